// SHA-256 of a string (OpenSSL), as lower-case hex: what a configuration was
// made from, to tell when it changed (registry containers, CoreDNS).
#pragma once

#include <string>
#include <string_view>

namespace lo {

std::string sha256_hex(std::string_view data);

}  // namespace lo

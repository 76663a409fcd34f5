// SHA-256 (OpenSSL): the build cache, short names for long files, registry
// config stamps and ApplySet IDs.
#pragma once

#include <string>
#include <string_view>

namespace lo {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256& update(std::string_view data);
  // Adds the size first so that ("ab","c") and ("a","bc") differ.
  Sha256& field(std::string_view data);
  std::string digest();  // the 32 raw bytes; finishes the hash, call once
  std::string hex();     // the digest in lowercase hex; finishes the hash, call once

 private:
  void* ctx_;
};

std::string sha256_hex(std::string_view data);
// Lowercase hex of any bytes.
std::string hex_encode(std::string_view bytes);

}  // namespace lo

// Hashing for the build cache: SHA-256 (lo/sha256.hpp) of strings and files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "lo/sha256.hpp"

namespace lo::build {

using lo::Sha256;
using lo::sha256_hex;

// Hash of a file's content; nullopt when it cannot be read.
std::optional<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace lo::build

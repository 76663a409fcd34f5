// SHA-256 (OpenSSL) for the build cache and for shortening long file names.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace lo::build {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256& update(std::string_view data);
  // Adds the size first so that ("ab","c") and ("a","bc") differ.
  Sha256& field(std::string_view data);
  std::string hex();  // finishes the hash; call once

 private:
  void* ctx_;
};

std::string sha256_hex(std::string_view data);
// Hash of a file's content; nullopt when it cannot be read.
std::optional<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace lo::build

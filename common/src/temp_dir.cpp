#include "lo/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "lo/error.hpp"

namespace lo {
namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix) {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    throw Error("cannot create a temporary folder in " + base.string() + ": " + std::strerror(errno),
                "check that TMPDIR points at a writable folder");
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace lo

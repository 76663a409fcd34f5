#include "lo/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include "lo/error.hpp"

namespace lo {
namespace fs = std::filesystem;

std::string read_file(const fs::path& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(Location{path.string()}, std::string("cannot read: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(Location{path.string()}, "is a directory, expected a file");
  }
  if (max_bytes && st.st_size > static_cast<off_t>(max_bytes)) {
    ::close(fd);
    throw Error(Location{path.string()},
                "file is too large (" + std::to_string(st.st_size) + " bytes; the limit is " +
                    std::to_string(max_bytes) + ")");
  }
  std::string out;
  if (st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      throw Error(Location{path.string()}, std::string("cannot read: ") + std::strerror(e));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (max_bytes && out.size() > max_bytes) {
      ::close(fd);
      throw Error(Location{path.string()}, "file is too large (the limit is " + std::to_string(max_bytes) + " bytes)");
    }
  }
  ::close(fd);
  return out;
}

namespace {

// Writes `content` from offset 0 of `fd`, sets `mode` (the umask may have
// narrowed it; lo decides the bits, 0600 for secrets) and flushes it to
// disk. Returns nullptr, or the start of the message of the step that
// failed (errno still set).
const char* write_and_sync(int fd, std::string_view content, fs::perms mode) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::pwrite(fd, content.data() + done, content.size() - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return "cannot write: ";
    }
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return "cannot set permissions: ";
  if (::fsync(fd) != 0) return "cannot flush: ";
  return nullptr;
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view content, fs::perms mode) {
  std::error_code ec;
  fs::path dir = path.parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) throw Error(Location{dir.string()}, "cannot create folder: " + ec.message());
  }
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, ".%016llx", static_cast<unsigned long long>(rng()));
  fs::path tmp = dir / ("." + path.filename().string() + suffix + ".tmp");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) throw Error(Location{path.string()}, std::string("cannot write: ") + std::strerror(errno));
  auto fail = [&](const char* what) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw Error(Location{path.string()}, std::string(what) + std::strerror(e));
  };
  if (const char* what = write_and_sync(fd, content, mode)) fail(what);
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    throw Error(Location{path.string()}, std::string("cannot write: ") + std::strerror(e));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    throw Error(Location{path.string()}, std::string("cannot replace: ") + std::strerror(e));
  }
}

void write_file_in_place(const fs::path& path, std::string_view content, fs::perms mode) {
  std::error_code ec;
  fs::path dir = path.parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) throw Error(Location{dir.string()}, "cannot create folder: " + ec.message());
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) throw Error(Location{path.string()}, std::string("cannot write: ") + std::strerror(errno));
  auto fail = [&](const char* what) {
    int e = errno;
    ::close(fd);
    throw Error(Location{path.string()}, std::string(what) + std::strerror(e));
  };
  if (::ftruncate(fd, 0) != 0) fail("cannot truncate: ");
  if (const char* what = write_and_sync(fd, content, mode)) fail(what);
  if (::close(fd) != 0) throw Error(Location{path.string()}, std::string("cannot write: ") + std::strerror(errno));
}

fs::path user_path(const std::string& path, const fs::path& base) {
  if (path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    // No home to fill in: the path as written, so an error names it so.
    return home && *home ? fs::path(home) / path.substr(2) : fs::path(path);
  }
  fs::path f(path);
  return f.is_absolute() ? f : base / f;
}

std::string display_path(const fs::path& path, const fs::path& base) {
  if (base.empty()) return path.string();
  auto rel = path.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") return path.string();
  return rel.string();
}

std::vector<std::string> visible_subfolders(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.empty() && name[0] != '.' && entry.is_directory(ec)) out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lo

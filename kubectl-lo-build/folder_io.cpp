#include "kubectl-lo-build/folder_io.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/parallel.hpp"

namespace lo::build {
namespace fs = std::filesystem;

namespace {
constexpr const char* kTmpTag = ".lo-tmp-";
std::atomic<unsigned> g_tmp_counter{0};
}  // namespace

std::string tmp_name_for(const std::string& name) {
  static const std::string pid = std::to_string(::getpid());
  return "." + name + kTmpTag + pid + "-" + std::to_string(g_tmp_counter++);
}

bool is_tmp_leftover(const char* name) {
  if (name[0] != '.') return false;
  const char* tag = std::strstr(name, kTmpTag);
  if (!tag) return false;
  long pid = std::strtol(tag + std::strlen(kTmpTag), nullptr, 10);
  if (pid <= 0) return true;
  return pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

bool plain_file_name(const std::string& n) {
  return !n.empty() && n[0] != '.' && n.find('/') == std::string::npos && n != kKustomization &&
         n != "kustomization.yml" && n != "Kustomization";
}

Dir::Dir(const fs::path& p) : fd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
  if (fd < 0) throw Error(Location{p.string()}, std::string("cannot open folder: ") + std::strerror(errno));
}

Dir::~Dir() {
  if (fd >= 0) ::close(fd);
}

bool holds(int dfd, const std::string& name, std::string_view body, bool add_nl) {
  int fd = ::openat(dfd, name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  size_t want = body.size() + (add_nl ? 1 : 0);
  bool same = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) == want;
  if (same) {
    std::string buf(want, '\0');
    size_t got = 0;
    while (got < want) {
      ssize_t n = ::read(fd, buf.data() + got, want - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    same = got == want && std::string_view(buf).substr(0, body.size()) == body && (!add_nl || buf.back() == '\n');
  }
  ::close(fd);
  return same;
}

int write_new(int dfd, const std::string& name, std::string_view body, bool add_nl) {
  int fd = ::openat(dfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  auto put = [&](std::string_view s) {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = ::write(fd, s.data() + done, s.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      done += static_cast<size_t>(n);
    }
    return 0;
  };
  int err = put(body);
  if (!err && add_nl) err = put("\n");
  if (::close(fd) != 0 && !err) err = errno;
  if (err) ::unlinkat(dfd, name.c_str(), 0);
  return err;
}

std::optional<std::string> read_listing(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  try {
    return read_file(file, 64u << 20);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::vector<std::string> listed_resources(const fs::path& file) {
  std::vector<std::string> out;
  std::optional<std::string> listing = read_listing(file);
  if (!listing) return out;
  const std::string& text = *listing;
  bool in_resources = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (line[0] != ' ' && line[0] != '-') {
      in_resources = line.substr(0, 10) == "resources:";
      continue;
    }
    size_t i = line.find_first_not_of(' ');
    if (!in_resources || i == std::string_view::npos || line.substr(i, 2) != "- ") continue;
    std::string_view item = line.substr(i + 2);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    out.emplace_back(item);
  }
  return out;
}

void remove_leftovers(int dfd) {
  int dup = ::dup(dfd);
  if (dup < 0) return;
  DIR* d = ::fdopendir(dup);
  if (!d) {
    ::close(dup);
    return;
  }
  ::rewinddir(d);  // the copy shares its position with `dfd`
  std::vector<std::string> doomed;
  while (dirent* e = ::readdir(d))
    if (is_tmp_leftover(e->d_name)) doomed.emplace_back(e->d_name);
  ::closedir(d);
  for (const auto& n : doomed) ::unlinkat(dfd, n.c_str(), 0);
}

void remove_stale_staging(const fs::path& dir) {
  std::error_code ec;
  std::string prefix = "." + dir.filename().string() + kTmpTag;
  for (const auto& e : fs::directory_iterator(dir.parent_path().empty() ? "." : dir.parent_path(), ec))
    if (std::string n = e.path().filename().string(); n.rfind(prefix, 0) == 0 && is_tmp_leftover(n.c_str()))
      fs::remove_all(e.path(), ec);
}

std::vector<Entry> entries_of(int dfd) {
  std::vector<Entry> out;
  int dup = ::dup(dfd);
  DIR* d = dup >= 0 ? ::fdopendir(dup) : nullptr;
  if (!d) {
    if (dup >= 0) ::close(dup);
    throw Error(std::string("cannot list folder: ") + std::strerror(errno));
  }
  ::rewinddir(d);  // the copy shares its position with `dfd`
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        type = S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_DIR;
    }
    out.push_back({e->d_name, type == DT_REG || type == DT_LNK});
  }
  ::closedir(d);
  return out;
}

size_t writers(size_t n) { return n >= 512 ? std::clamp<size_t>(cores(), 2, 8) : 1; }

}  // namespace lo::build

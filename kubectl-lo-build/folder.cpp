#include "kubectl-lo-build/folder.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "kubectl-lo-build/folder_swap.hpp"
#include "kubectl-lo-build/view_set.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/parallel.hpp"

namespace lo::build {
namespace fs = std::filesystem;
namespace {

constexpr const char* kKustomization = "kustomization.yaml";
constexpr const char* kTmpTag = ".lo-tmp-";
std::atomic<unsigned> g_tmp_counter{0};

std::string tmp_name_for(const std::string& name) {
  static const std::string pid = std::to_string(::getpid());
  return "." + name + kTmpTag + pid + "-" + std::to_string(g_tmp_counter++);
}

// A temp file or staging folder whose writer is gone (killed mid-write). The
// writer's pid is part of the name, so a concurrent build is left alone.
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

struct Dir {
  int fd = -1;
  explicit Dir(const fs::path& p) : fd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd < 0) throw Error(Location{p.string()}, std::string("cannot open folder: ") + std::strerror(errno));
  }
  ~Dir() { if (fd >= 0) ::close(fd); }
  Dir(const Dir&) = delete;
  Dir& operator=(const Dir&) = delete;
};

// True when `name` in the folder already holds exactly body (+ newline).
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

// Writes a new temp file; returns errno (0 on success).
int write_tmp(int dfd, const std::string& tmp, std::string_view body, bool add_nl) {
  int fd = ::openat(dfd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
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
  if (err) ::unlinkat(dfd, tmp.c_str(), 0);
  return err;
}

// The entries of the resources: list of a kustomization.yaml lo (or the
// upstream tool) wrote: "- name" lines, indented or not.
std::vector<std::string> listed_resources(const fs::path& file) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return out;
  std::string text;
  try {
    text = read_file(file, 64u << 20);
  } catch (const Error&) {
    return out;
  }
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

// Threads writing `n` files into one folder: one per core when there are
// many. Creating a file takes the folder's lock, so only the writing and
// closing run side by side; more threads than cores only spin on that lock
// (measured on ext4 and tmpfs: 2 threads on 2 cores beat both 1 and 4).
size_t writers(size_t n) { return n >= 512 ? std::clamp<size_t>(cores(), 2, 8) : 1; }

// The first error of jobs running side by side, with the file it concerns.
struct Failure {
  std::mutex mu;
  int err = 0;
  std::string name;
  void note(int e, const std::string& n) {
    std::lock_guard<std::mutex> lock(mu);
    if (!err) err = e, name = n;
  }
};

// Removes staging folders an interrupted write left beside `dir`.
void remove_stale_staging(const fs::path& dir) {
  std::error_code ec;
  std::string prefix = "." + dir.filename().string() + kTmpTag;
  for (const auto& e : fs::directory_iterator(dir.parent_path().empty() ? "." : dir.parent_path(), ec))
    if (std::string n = e.path().filename().string(); n.rfind(prefix, 0) == 0 && is_tmp_leftover(n.c_str()))
      fs::remove_all(e.path(), ec);
}

std::string listing_of(const std::vector<OutFile>& files) {
  size_t size = 200;
  for (const auto& f : files) size += f.name.size() + 5;
  std::string out;
  out.reserve(size);
  out += kOwnedMarker;
  out += "\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
  if (files.empty()) return out + "resources: []\n";
  out += "resources:\n";
  for (const auto& f : files) {
    out += "  - ";
    out += f.name;
    out += '\n';
  }
  return out;
}

// A new folder beside `dir`, named so that a later write knows whose it is.
fs::path make_staging(const fs::path& dir) {
  fs::path staging = dir.parent_path() / tmp_name_for(dir.filename().string());
  if (::mkdir(staging.c_str(), 0755) != 0)
    throw Error(Location{staging.string()}, std::string("cannot create folder: ") + std::strerror(errno));
  return staging;
}

// Fills the new folder `to` with `files` and their kustomization.yaml. With
// `from` (the folder being replaced, or -1), a file whose bytes `from`
// already holds under the same name is hard-linked from there. Comparing
// costs a read; a link (and later removing a file that has two names) saves
// about three times that over a new file. So the comparing stops once fewer
// than 3 in 8 of the first files compared were the same (everything
// changed); the files are then simply written.
void fill(int to, const std::vector<OutFile>& files, int from, const fs::path& shown) {
  std::atomic<unsigned> same{0}, changed{0};
  auto worth_comparing = [&] {
    unsigned s = same.load(std::memory_order_relaxed), c = changed.load(std::memory_order_relaxed);
    return c < 64 || 8 * s >= 3 * (s + c);
  };
  auto put = [&](const std::string& name, std::string_view body) {
    bool add_nl = !body.empty() && body.back() != '\n';
    if (from >= 0 && worth_comparing()) {
      if (holds(from, name, body, add_nl) && ::linkat(from, name.c_str(), to, name.c_str(), 0) == 0) {
        same.fetch_add(1, std::memory_order_relaxed);
        return 0;
      }
      changed.fetch_add(1, std::memory_order_relaxed);
    }
    return write_tmp(to, name, body, add_nl);
  };
  Failure failed;
  parallel_for(files.size(), writers(files.size()), [&](size_t i) {
    if (int err = put(files[i].name, files[i].body)) failed.note(err, files[i].name);
  }, 64);
  if (!failed.err) {
    if (int err = put(kKustomization, listing_of(files))) failed.note(err, kKustomization);
  }
  if (failed.err) throw Error(Location{(shown / failed.name).string()}, std::string("cannot write: ") + std::strerror(failed.err));
}

// A folder that does not exist yet is written whole into a staging folder
// beside it and renamed into place: it appears complete or not at all.
void write_new_folder(const fs::path& dir, const std::vector<OutFile>& files, const std::atomic<int>* cancel) {
  std::error_code ec;
  fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw Error(Location{parent.string()}, "cannot create folder: " + ec.message());
  fs::path staging = make_staging(parent / dir.filename());
  try {
    Dir d(staging);
    fill(d.fd, files, -1, dir);
    if (cancel && cancel->load()) throw Error("interrupted before writing " + dir.string());
    if (::rename(staging.c_str(), dir.c_str()) != 0)
      throw Error(Location{dir.string()}, std::string("cannot create folder: ") + std::strerror(errno));
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
}

struct Entry {
  std::string name;
  bool linkable = false;  // a file or a symbolic link (a hard link can carry it over)
};

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

// Replaces the existing folder `dir` as described in folder.hpp. False when
// it cannot be replaced whole (then nothing changed).
bool replace_folder(const fs::path& dir, const std::vector<OutFile>& files, const std::atomic<int>* cancel,
                    size_t& removed) {
  std::error_code ec;
  fs::path real = fs::canonical(dir, ec);  // swap the folder a symbolic link points to, not the link
  if (ec) return false;
  // Our own working folder, or one above it, stays where it is: replaced, it
  // would leave this process (and the shell that started it in `--out .`)
  // in a folder that is gone.
  fs::path cwd = fs::current_path(ec);
  if (!ec) {
    fs::path rel = cwd.lexically_relative(real);
    if (!rel.empty() && *rel.begin() != "..") return false;
  }
  if (real != dir) remove_stale_staging(real);
  Dir old(real);
  struct stat st {};
  if (::fstat(old.fd, &st) != 0 || st.st_uid != ::geteuid()) return false;
  remove_leftovers(old.fd);
  std::vector<std::string> previous = listed_resources(real / kKustomization);
  std::vector<Entry> entries = entries_of(old.fd);
  ViewSet<Case::Exact> mine(previous.size() + 1), now(files.size());
  for (const auto& p : previous) mine.insert(p);
  for (const auto& f : files) now.insert(f.name);
  mine.insert(kKustomization);
  std::vector<std::string> carried;  // files that are not lo's: they stay
  for (const auto& e : entries) {
    if (mine.contains(e.name) || now.contains(e.name) || is_tmp_leftover(e.name.c_str())) continue;
    if (!e.linkable) return false;  // a sub-folder: cannot be carried over
    carried.push_back(e.name);
  }

  fs::path staging;
  try {
    staging = make_staging(real);
  } catch (const Error&) {
    return false;  // the parent is not writable: update file by file
  }
  try {
    Dir fresh(staging);
    ::fchmod(fresh.fd, st.st_mode & 07777);
    fill(fresh.fd, files, old.fd, dir);
    for (const auto& name : carried)
      if (::linkat(old.fd, name.c_str(), fresh.fd, name.c_str(), 0) != 0) {
        fs::remove_all(staging, ec);
        return false;  // no hard links here: update file by file
      }
    if (cancel && cancel->load()) throw Error("interrupted before writing " + dir.string());
    if (swap_folders(staging, real) == SwapResult::Refused) {
      fs::remove_all(staging, ec);
      return false;
    }
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  removed = 0;
  for (const auto& e : entries)
    if (mine.contains(e.name) && !now.contains(e.name) && e.name != kKustomization) ++removed;
  std::vector<std::string> names;
  names.reserve(entries.size());
  for (auto& e : entries) names.push_back(std::move(e.name));
  remove_folder(staging, names);
  return true;
}

// Updates the existing folder `dir` file by file (see folder.hpp).
size_t update_in_place(const fs::path& dir, const std::vector<OutFile>& files, const std::atomic<int>* cancel) {
  Dir d(dir);
  remove_leftovers(d.fd);
  std::vector<std::string> previous = listed_resources(dir / kKustomization);

  // Temp files.
  std::vector<std::string> tmps(files.size());
  Failure failed;
  parallel_for(files.size(), writers(files.size()), [&](size_t i) {
    const OutFile& f = files[i];
    bool add_nl = !f.body.empty() && f.body.back() != '\n';
    if (holds(d.fd, f.name, f.body, add_nl)) return;
    std::string tmp = tmp_name_for(f.name);
    if (int err = write_tmp(d.fd, tmp, f.body, add_nl)) return failed.note(err, f.name);
    tmps[i] = std::move(tmp);
  }, 64);
  auto drop_tmps = [&] {
    for (const auto& t : tmps)
      if (!t.empty()) ::unlinkat(d.fd, t.c_str(), 0);
  };
  if (failed.err) {
    drop_tmps();
    throw Error(Location{(dir / failed.name).string()}, std::string("cannot write: ") + std::strerror(failed.err));
  }
  if (cancel && cancel->load()) {
    drop_tmps();
    throw Error("interrupted before writing " + dir.string());
  }

  // Renames. From here on the folder is committed.
  for (size_t i = 0; i < files.size(); ++i) {
    if (tmps[i].empty()) continue;
    if (::renameat(d.fd, tmps[i].c_str(), d.fd, files[i].name.c_str()) != 0) {
      int err = errno;
      drop_tmps();
      throw Error(Location{(dir / files[i].name).string()}, std::string("cannot replace: ") + std::strerror(err));
    }
    tmps[i].clear();
  }

  // The listing, then the stale files of the previous build.
  replace_file_if_changed(dir / kKustomization, listing_of(files));
  ViewSet<Case::Exact> now(files.size());
  for (const auto& f : files) now.insert(f.name);
  size_t removed = 0;
  for (const auto& old : previous) {
    if (now.contains(old) || !plain_file_name(old)) continue;
    if (::unlinkat(d.fd, old.c_str(), 0) == 0) ++removed;
  }
  return removed;
}

}  // namespace

std::string owned_kustomization(const std::vector<std::string>& resources) {
  std::vector<OutFile> files;
  files.reserve(resources.size());
  for (const auto& r : resources) files.push_back({r, {}});
  return listing_of(files);
}

bool folder_is_owned(const fs::path& dir) {
  std::error_code ec;
  fs::path k = dir / kKustomization;
  if (!fs::exists(k, ec)) return true;
  std::string text;
  try {
    text = read_file(k, 64u << 20);
  } catch (const Error&) {
    return false;
  }
  return text.compare(0, std::strlen(kOwnedMarker), kOwnedMarker) == 0;
}

bool replace_file_if_changed(const fs::path& path, std::string_view content) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) == content.size()) {
    try {
      if (read_file(path) == content) return false;
    } catch (const Error&) {
    }
  }
  fs::create_directories(path.parent_path(), ec);
  Dir dir(path.parent_path());
  std::string name = path.filename().string();
  std::string tmp = tmp_name_for(name);
  if (int err = write_tmp(dir.fd, tmp, content, false))
    throw Error(Location{path.string()}, std::string("cannot write: ") + std::strerror(err));
  if (::renameat(dir.fd, tmp.c_str(), dir.fd, name.c_str()) != 0) {
    int err = errno;
    ::unlinkat(dir.fd, tmp.c_str(), 0);
    throw Error(Location{path.string()}, std::string("cannot replace: ") + std::strerror(err));
  }
  return true;
}

size_t write_folder(const fs::path& dir, const std::vector<OutFile>& files, bool require_owned,
                    const std::atomic<int>* cancel) {
  std::error_code ec;
  for (const auto& f : files)
    if (!plain_file_name(f.name)) throw Error("internal: refusing to write the file name '" + f.name + "'");
  if (require_owned && !folder_is_owned(dir))
    throw Error(Location{(dir / kKustomization).string()}, "this kustomization.yaml was not written by lo",
                "choose an empty or new --out folder, or remove that file; lo never overwrites it");
  remove_stale_staging(dir);
  if (!fs::exists(dir, ec)) {
    write_new_folder(dir, files, cancel);
    return 0;
  }
  size_t removed = 0;
  if (replace_folder(dir, files, cancel, removed)) return removed;
  return update_in_place(dir, files, cancel);
}

}  // namespace lo::build

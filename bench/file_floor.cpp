// The floor under any splitter: create FILES files of BYTES bytes in a new
// folder (openat, write, close; one thread per core, as lo does) and do
// nothing else. bench/build_bench.sh times it beside lo and
// kubernetes-split-yaml, so the ratios can be read against what the file
// system alone allows.
//
// With OLD_DIR, afterwards also remove that folder and the files in it (one
// thread per core): the floor under replacing an earlier split whose files
// all changed, where the old files have to go as well (an atomic
// replacement cannot overwrite them in place).
//
// Usage: file_floor DIR FILES BYTES [OLD_DIR]
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

// Runs job(i) for i in [0, n) on one thread per core (at least 2).
void on_all_cores(int n, const std::function<void(int)>& job) {
  std::atomic<int> next{0};
  auto work = [&] {
    for (int i; (i = next.fetch_add(1)) < n;) job(i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::clamp(std::thread::hardware_concurrency(), 2u, 8u); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

bool remove_folder(const char* path) {
  DIR* d = ::opendir(path);
  if (!d) return false;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  std::atomic<int> failed{0};
  const int fd = ::dirfd(d);
  on_all_cores(static_cast<int>(names.size()), [&](int i) {
    if (::unlinkat(fd, names[static_cast<size_t>(i)].c_str(), 0) != 0) failed = 1;
  });
  ::closedir(d);
  return !failed && ::rmdir(path) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: file_floor DIR FILES BYTES [OLD_DIR]\n");
    return 2;
  }
  const int files = std::atoi(argv[2]);
  const std::string body(static_cast<size_t>(std::atoi(argv[3])), 'x');
  if (::mkdir(argv[1], 0755) != 0) return std::perror(argv[1]), 1;
  const int dir = ::open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::atomic<int> failed{0};
  on_all_cores(files, [&](int i) {
    char name[64];
    std::snprintf(name, sizeof name, "Object.ns-%d.obj-%d.yaml", i % 17, i);
    const int fd = ::openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, body.data(), body.size()) != static_cast<ssize_t>(body.size()) || ::close(fd) != 0)
      failed = 1;
  });
  if (argc == 5 && !remove_folder(argv[4])) return std::perror(argv[4]), 1;
  return failed ? 1 : 0;
}

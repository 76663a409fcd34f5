// The floor under any splitter: create FILES files of BYTES bytes in a new
// folder (openat, write, close; one thread per core, as lo does) and do
// nothing else. bench/build_bench.sh times it beside lo and
// kubernetes-split-yaml, so the (c) ratio can be read against what the
// disk alone allows.
//
// Usage: file_floor DIR FILES BYTES
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: file_floor DIR FILES BYTES\n");
    return 2;
  }
  const int files = std::atoi(argv[2]);
  const std::string body(static_cast<size_t>(std::atoi(argv[3])), 'x');
  if (::mkdir(argv[1], 0755) != 0) return std::perror(argv[1]), 1;
  const int dir = ::open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::atomic<int> next{0}, failed{0};
  auto work = [&] {
    char name[64];
    for (int i; (i = next.fetch_add(1)) < files;) {
      std::snprintf(name, sizeof name, "Object.ns-%d.obj-%d.yaml", i % 17, i);
      const int fd = ::openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0 || ::write(fd, body.data(), body.size()) != static_cast<ssize_t>(body.size()) || ::close(fd) != 0)
        failed = 1;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::clamp(std::thread::hardware_concurrency(), 2u, 8u); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return failed ? 1 : 0;
}

#include "kubectl-lo-build/folder_swap.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lo/error.hpp"
#include "lo/parallel.hpp"

namespace lo::build {
namespace fs = std::filesystem;

SwapResult swap_folders(const fs::path& fresh, const fs::path& dir) {
  if (::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) return SwapResult::Swapped;
  int err = errno;
  if (err == EXDEV || err == EBUSY) return SwapResult::Refused;  // `dir` is a mount point
  if (err != EINVAL && err != ENOSYS)
    throw Error(Location{dir.string()}, std::string("cannot replace the folder: ") + std::strerror(err));
  // No exchange on this file system: move the old folder aside, then the new
  // one in. `aside` is a name no one else uses; the old content ends up at
  // `fresh` as after an exchange.
  fs::path aside = fresh;
  aside += "-old";
  if (::rename(dir.c_str(), aside.c_str()) != 0) {
    err = errno;
    if (err == EXDEV || err == EBUSY) return SwapResult::Refused;
    throw Error(Location{dir.string()}, std::string("cannot replace the folder: ") + std::strerror(err));
  }
  if (::rename(fresh.c_str(), dir.c_str()) != 0) {
    err = errno;
    if (::rename(aside.c_str(), dir.c_str()) != 0)
      throw Error(Location{dir.string()}, std::string("cannot replace the folder: ") + std::strerror(err) +
                                              "; its previous content is in " + aside.string(),
                  "move " + aside.string() + " back to " + dir.string());
    throw Error(Location{dir.string()}, std::string("cannot replace the folder: ") + std::strerror(err));
  }
  // `fresh` is free again (renamed into place); should this fail anyway, the
  // old content goes now rather than staying behind.
  if (::rename(aside.c_str(), fresh.c_str()) != 0) remove_folder(aside, {});
  return SwapResult::Moved;
}

void remove_folder(const fs::path& dir, const std::vector<std::string>& known) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    // Unlinking in one folder takes that folder's lock, so more threads
    // than cores would only wait for it.
    parallel_for(known.size(), known.size() >= 512 ? cores() : 1,
                 [&](size_t i) { ::unlinkat(fd, known[i].c_str(), 0); }, 64);
    ::close(fd);
  }
  if (::rmdir(dir.c_str()) == 0) return;
  std::error_code ec;
  fs::remove_all(dir, ec);  // something we did not list: take it all
}

}  // namespace lo::build

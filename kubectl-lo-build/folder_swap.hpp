// Putting a complete new folder where an old one is, in one step, and
// removing the old one afterwards (folder.cpp).
//
// Linux renameat2(RENAME_EXCHANGE) swaps two folders atomically: a reader of
// the path sees the old folder or the new one, never neither and never a mix.
// ext4, xfs, btrfs and tmpfs support it. Where the file system does not
// (EINVAL, e.g. some FUSE and network file systems) or the kernel is older
// than 3.15 (ENOSYS), two renames take its place: the old folder moves aside,
// then the new one moves in; between the two the path briefly does not
// exist (it never holds a partial folder).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lo::build {

enum class SwapResult {
  Swapped,   // `fresh` now holds the old content
  Moved,     // the same, done with two renames
  Refused,   // nothing changed: `dir` cannot be replaced this way (a mount point, another file system)
};

// Replaces `dir` by `fresh` (a sibling). On success the old content is at
// `fresh`'s path. Throws lo::Error when the file system refuses for another
// reason (then nothing changed).
SwapResult swap_folders(const std::filesystem::path& fresh, const std::filesystem::path& dir);

// Removes `dir` and everything in it, `known` (names of its entries) first
// and on several threads when there are many; whatever else is there is
// removed after. Best effort: a failure leaves the rest for the next
// writer's clean-up of leftovers.
void remove_folder(const std::filesystem::path& dir, const std::vector<std::string>& known);

}  // namespace lo::build

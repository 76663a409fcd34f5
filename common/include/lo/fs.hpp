// Files lo writes: atomically (temp file in the same folder, fsync, rename),
// so a crash or Ctrl-C never leaves half a file behind; except files that are
// bind-mounted into running containers one by one, which are rewritten in
// place (a renamed-in file is a new inode the container never sees).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lo {

// Reads a whole file; throws lo::Error naming the file when it cannot.
// `max_bytes` guards against reading something absurd (0 = no limit).
std::string read_file(const std::filesystem::path& path, size_t max_bytes = 0);

// Writes `content` to `path` atomically with the given permission bits,
// creating parent folders. The temp file is removed if anything fails.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       std::filesystem::perms mode = std::filesystem::perms(0644));

// Rewrites `path` in place: opened (created with `mode` when missing),
// truncated, written and fsync'ed, so its inode stays the same; the mode is
// set to `mode`. Creates parent folders. Not atomic: a reader may see it
// half-written for a moment, which the readers of such files (an API server
// reloading its authentication config) survive by retrying.
void write_file_in_place(const std::filesystem::path& path, std::string_view content,
                         std::filesystem::perms mode = std::filesystem::perms(0644));

// `path` relative to `base` when it lies below it, else unchanged. Used to show
// paths the way a user standing in the project would type them.
std::string display_path(const std::filesystem::path& path, const std::filesystem::path& base);

// A path as a user writes it in a spec or config: "~/..." below $HOME (as
// written when HOME is unset), an absolute path as is, anything else
// relative to `base` (as written when `base` is empty).
std::filesystem::path user_path(const std::string& path, const std::filesystem::path& base);

// The names of the folders directly in `dir` whose names do not start with
// '.', sorted (byte order); none when `dir` cannot be read. Domains,
// targets and built artifacts are all such folders.
std::vector<std::string> visible_subfolders(const std::filesystem::path& dir);

}  // namespace lo

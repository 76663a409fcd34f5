// Writing an output folder: the artifacts of one target, or the files of
// --split-file. A folder lo writes holds some files plus a kustomization.yaml
// that lists them, so `kubectl kustomize <folder>` builds it.
//
// The folder is replaced whole, so a reader sees the old set or the new one,
// never a mix and never a half-written file:
//   1. leftovers of an interrupted write (".<name>.lo-tmp-<pid>-*", inside
//      or beside the folder, of a process that is gone) are removed;
//   2. the new set and its kustomization.yaml are written into a new folder
//      beside it (".<name>.lo-tmp-<pid>-<n>"), on one thread per core; a
//      file whose bytes the old folder already holds is hard-linked from
//      there, so it keeps its inode and mtime (unless most files changed:
//      then comparing costs more than it saves, and stops); files of the old folder that
//      no kustomization.yaml of lo listed (yours) are hard-linked too;
//   3. the new folder takes the old one's place in one step (folder_swap.hpp:
//      renameat2 RENAME_EXCHANGE, or two renames where the file system lacks
//      it), with the old folder's permission bits;
//   4. the old folder is removed.
// When every file and the listing are already there and nothing is to be
// removed, nothing is written and the folder stays as it is.
// A failure or an interruption before step 3 removes the new folder and
// leaves the old one exactly as it was. A folder that does not exist yet is
// written the same way and renamed into place.
//
// A process that has the old folder open (a shell cd'ed into it, a watcher
// of the folder itself rather than its parent) keeps the old folder, which
// is then empty. Where the folder cannot or should not be replaced (it
// holds sub-folders, belongs to another user, is a mount point, its parent
// is not writable, or it is this process's working folder or above it), it is
// updated file by file instead: each changed file goes to a temp file in the
// folder and is renamed over its name, then kustomization.yaml is replaced
// and the files the previous one listed and the new one does not are
// deleted. Each file is then atomic, the set is not.
//
// No fsync: these are derived files that the next build can always remake,
// and the build cache checks each output's size, mtime and inode before it
// trusts it, so a file damaged by a power cut is rebuilt rather than kept.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lo::build {

inline constexpr const char* kOwnedMarker =
    "# Written by kubectl lo build: rewritten on every build, do not edit.";

struct OutFile {
  std::string name;       // a plain file name (no '/', no leading '.')
  std::string_view body;  // bytes to write; a final newline is added if missing
};

// The kustomization.yaml text lo writes for `resources` (marker line first).
std::string owned_kustomization(const std::vector<std::string>& resources);

// True when `dir`/kustomization.yaml was written by lo (or does not exist).
bool folder_is_owned(const std::filesystem::path& dir);

// Writes a folder whose files arrive one at a time (--split-file writes each
// document while the ones after it are still being read), as described
// above. The name a file is added under may change at the end, when all
// names, and so their clashes, are known: finish() takes the final ones.
// Destroyed without finish() (an error, an exception), it removes what it
// wrote and leaves `dir` as it was.
class FolderWriter {
 public:
  // With `require_owned`, an existing kustomization.yaml that lo did not
  // write is an error (nothing is written).
  FolderWriter(const std::filesystem::path& dir, bool require_owned, const std::atomic<int>* cancel = nullptr);
  ~FolderWriter();
  FolderWriter(const FolderWriter&) = delete;
  FolderWriter& operator=(const FolderWriter&) = delete;

  // `body` must stay valid until finish() returns.
  void add(std::string name, std::string_view body);

  // `names`: the final name of each file, in the order added. `cancel` is
  // checked before the folder (or, file by file, the first file) is
  // replaced: when it is set what was written is removed and lo::Error is
  // thrown. Returns the number of files of the previous set that are gone.
  size_t finish(const std::vector<std::string>& names);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes `files` and the listing kustomization.yaml into `dir` as described
// above. With `require_owned`, an existing kustomization.yaml that lo did not
// write is an error (nothing is written). `cancel` is checked before the
// folder (or, file by file, the first file) is replaced: when it is set what
// was written is removed and lo::Error is thrown. Returns the number of files
// of the previous set that are gone.
size_t write_folder(const std::filesystem::path& dir, const std::vector<OutFile>& files, bool require_owned,
                    const std::atomic<int>* cancel = nullptr);

// Replaces `path` with `content` (temp + rename) unless it already holds
// exactly that; true when it wrote.
bool replace_file_if_changed(const std::filesystem::path& path, std::string_view content);

}  // namespace lo::build

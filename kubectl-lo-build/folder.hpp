// Writing an output folder: the artifacts of one target, or the files of
// --split-file. A folder lo writes holds some files plus a kustomization.yaml
// that lists them, so `kubectl kustomize <folder>` builds it.
//
// The write is atomic per file and ordered so that the folder always builds:
//   1. leftovers of an interrupted write (".<name>.lo-tmp-*") are removed;
//   2. each new file goes to a temp file in the folder (a file whose bytes
//      are already right is left alone, mtime included);
//   3. the temp files are renamed over their final names;
//   4. kustomization.yaml is replaced (temp + rename) to list the new set;
//   5. files the previous kustomization.yaml listed and the new one does not
//      are deleted (the stale files of an earlier build).
// A failure or an interruption before step 3 removes the temp files and
// leaves the folder exactly as it was. Files no kustomization.yaml of lo
// listed are never touched.
//
// No fsync: these are derived files that the next build can always remake,
// and the build cache checks each output's size, mtime and inode before it
// trusts it, so a file damaged by a power cut is rebuilt rather than kept.
#pragma once

#include <atomic>
#include <filesystem>
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

// Writes `files` and the listing kustomization.yaml into `dir` as described
// above. With `require_owned`, an existing kustomization.yaml that lo did not
// write is an error (nothing is written). `cancel` is checked before the
// renames: when it is set the temp files are removed and lo::Error is thrown.
// Returns the number of stale files removed.
size_t write_folder(const std::filesystem::path& dir, const std::vector<OutFile>& files, bool require_owned,
                    const std::atomic<int>* cancel = nullptr);

// Replaces `path` with `content` (temp + rename) unless it already holds
// exactly that; true when it wrote.
bool replace_file_if_changed(const std::filesystem::path& path, std::string_view content);

}  // namespace lo::build

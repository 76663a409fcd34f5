// The file system side of writing an output folder (folder.cpp): temp and
// staging names, leftovers of killed writers, reading a folder and lo's
// listing in it, writing one file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lo::build {

inline constexpr const char* kKustomization = "kustomization.yaml";

// ".<name>.lo-tmp-<pid>-<n>": a temp file or staging folder of this process.
std::string tmp_name_for(const std::string& name);

// A temp file or staging folder whose writer is gone (killed mid-write). The
// writer's pid is part of the name, so a concurrent build is left alone.
bool is_tmp_leftover(const char* name);

// A name lo writes files under: no '/', no leading '.', not a kustomization.
bool plain_file_name(const std::string& n);

// An open folder (O_DIRECTORY); throws lo::Error naming it when it cannot.
struct Dir {
  int fd = -1;
  explicit Dir(const std::filesystem::path& p);
  ~Dir();
  Dir(const Dir&) = delete;
  Dir& operator=(const Dir&) = delete;
};

// True when `name` in the folder is a file holding exactly body (+ newline).
bool holds(int dfd, const std::string& name, std::string_view body, bool add_nl);

// Creates file `name` (it must not exist) holding body (+ newline); returns
// errno (0 on success). A file it could not finish is removed.
int write_new(int dfd, const std::string& name, std::string_view body, bool add_nl);

// The text of a folder's kustomization.yaml; nullopt when there is none
// (no file, not a file, or it cannot be read).
std::optional<std::string> read_listing(const std::filesystem::path& file);

// The entries of the resources: list of a kustomization.yaml lo (or the
// upstream tool) wrote: "- name" lines, indented or not.
std::vector<std::string> listed_resources(const std::filesystem::path& file);

// Removes the leftovers of killed writers inside the folder.
void remove_leftovers(int dfd);

// Removes the staging folders killed writers left beside `dir`.
void remove_stale_staging(const std::filesystem::path& dir);

struct Entry {
  std::string name;
  bool linkable = false;  // a file or a symbolic link (a hard link can carry it over)
};

// What is in the folder (not "." and ".."); throws lo::Error when it cannot be read.
std::vector<Entry> entries_of(int dfd);

// Threads writing `n` files into one folder: one per core when there are
// many. Creating a file takes the folder's lock, so only the writing and
// closing run side by side; more threads than cores only spin on that lock
// (measured on ext4 and tmpfs: 2 threads on 2 cores beat both 1 and 4).
size_t writers(size_t n);

}  // namespace lo::build

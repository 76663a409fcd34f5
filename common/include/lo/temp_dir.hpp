// A private scratch folder (mkdtemp, mode 0700) removed with everything in
// it when the object goes away: for files a tool must read from disk and
// nobody else may see (merged Helm values, a copy of an addon to render).
#pragma once

#include <filesystem>
#include <string>

namespace lo {

class TempDir {
 public:
  // Under $TMPDIR (else /tmp), named <prefix>XXXXXX. Throws lo::Error.
  explicit TempDir(const std::string& prefix = "lo-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace lo

// Paths as a user writes them in a spec or a provider's inventory
// (lo/fs.hpp user_path): "~/" is the home, relative is below the base.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "lo/fs.hpp"

namespace {

// Sets HOME (or unsets it) for one test and puts the old value back.
class HomeAs {
 public:
  explicit HomeAs(const char* home) {
    if (const char* old = std::getenv("HOME")) old_ = old;
    if (home) ::setenv("HOME", home, 1); else ::unsetenv("HOME");
  }
  ~HomeAs() {
    if (old_) ::setenv("HOME", old_->c_str(), 1); else ::unsetenv("HOME");
  }
  HomeAs(const HomeAs&) = delete;
  HomeAs& operator=(const HomeAs&) = delete;

 private:
  std::optional<std::string> old_;
};

TEST(UserPath, TildeIsTheHome) {
  HomeAs h("/home/ana");
  EXPECT_EQ(lo::user_path("~/.ssh/id_ed25519", "/work/p").string(), "/home/ana/.ssh/id_ed25519");
}

TEST(UserPath, TildeStaysAsWrittenWithoutAHome) {
  for (const char* home : {static_cast<const char*>(nullptr), ""}) {
    HomeAs h(home);
    EXPECT_EQ(lo::user_path("~/.ssh/id_ed25519", "/work/p").string(), "~/.ssh/id_ed25519");
  }
}

TEST(UserPath, RelativeIsBelowTheBaseAbsoluteAsIs) {
  HomeAs h("/home/ana");
  EXPECT_EQ(lo::user_path("keys/k.pub", "/work/p").string(), "/work/p/keys/k.pub");
  EXPECT_EQ(lo::user_path("keys/k.pub", {}).string(), "keys/k.pub");
  EXPECT_EQ(lo::user_path("/etc/k.pub", "/work/p").string(), "/etc/k.pub");
  EXPECT_EQ(lo::user_path("~user/k.pub", "/work/p").string(), "/work/p/~user/k.pub");
}

}  // namespace

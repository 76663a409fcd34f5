// Writing an output folder (kubectl-lo-build/folder.hpp): replaced whole,
// what is unchanged or not lo's kept, and never seen half-written.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "kubectl-lo-build/folder.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"

namespace fs = std::filesystem;
using lo::build::OutFile;

namespace {

class FolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lo-folder-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> listing(const fs::path& d) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(d)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path dir_;
};

TEST_F(FolderTest, WritesFilesAndTheirListingThenRemovesStaleOnes) {
  fs::path out = dir_ / "out";
  EXPECT_EQ(lo::build::write_folder(out, {{"A.a.yaml", "kind: A"}, {"B.b.yaml", "kind: B\n"}}, true), 0u);
  EXPECT_EQ(listing(out), (std::vector<std::string>{"A.a.yaml", "B.b.yaml", "kustomization.yaml"}));
  EXPECT_EQ(lo::read_file(out / "A.a.yaml"), "kind: A\n");
  EXPECT_EQ(lo::read_file(out / "kustomization.yaml"),
            lo::build::owned_kustomization({"A.a.yaml", "B.b.yaml"}));
  std::ofstream(out / "mine.txt") << "not lo's";
  auto before = fs::last_write_time(out / "B.b.yaml");
  EXPECT_EQ(lo::build::write_folder(out, {{"B.b.yaml", "kind: B\n"}, {"C.c.yaml", "kind: C\n"}}, true), 1u);
  EXPECT_EQ(listing(out), (std::vector<std::string>{"B.b.yaml", "C.c.yaml", "kustomization.yaml", "mine.txt"}));
  EXPECT_EQ(fs::last_write_time(out / "B.b.yaml"), before);  // same bytes: left alone
}

TEST_F(FolderTest, RefusesAKustomizationLoDidNotWrite) {
  std::ofstream(dir_ / "kustomization.yaml") << "resources: [mine.yaml]\n";
  std::ofstream(dir_ / "mine.yaml") << "kind: Mine\n";
  EXPECT_THROW(lo::build::write_folder(dir_, {{"A.a.yaml", "kind: A\n"}}, true), lo::Error);
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"kustomization.yaml", "mine.yaml"}));
}

TEST_F(FolderTest, CleansWhatAKilledWriterLeftAndKeepsALiveOnesFiles) {
  fs::path out = dir_ / "out";
  lo::build::write_folder(out, {{"A.a.yaml", "kind: A\n"}}, false);
  std::ofstream(out / ".A.a.yaml.lo-tmp-999999999-0") << "half";
  std::ofstream(out / (".A.a.yaml.lo-tmp-" + std::to_string(::getppid()) + "-0")) << "a live writer's";
  fs::create_directories(dir_ / ".out.lo-tmp-999999999-1");
  lo::build::write_folder(out, {{"A.a.yaml", "kind: A2\n"}}, false);
  EXPECT_EQ(listing(out), (std::vector<std::string>{".A.a.yaml.lo-tmp-" + std::to_string(::getppid()) + "-0",
                                                    "A.a.yaml", "kustomization.yaml"}));
  EXPECT_FALSE(fs::exists(dir_ / ".out.lo-tmp-999999999-1"));
  EXPECT_EQ(lo::read_file(out / "A.a.yaml"), "kind: A2\n");
}

TEST_F(FolderTest, ACancelledWriteChangesNothing) {
  fs::path out = dir_ / "out";
  lo::build::write_folder(out, {{"A.a.yaml", "kind: A\n"}}, false);
  std::atomic<int> cancel{2};
  EXPECT_THROW(lo::build::write_folder(out, {{"A.a.yaml", "kind: NEW\n"}, {"B.b.yaml", "kind: B\n"}}, false, &cancel),
               lo::Error);
  EXPECT_EQ(listing(out), (std::vector<std::string>{"A.a.yaml", "kustomization.yaml"}));
  EXPECT_EQ(lo::read_file(out / "A.a.yaml"), "kind: A\n");
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"out"}));  // no new folder left beside it
  EXPECT_THROW(lo::build::write_folder(dir_ / "fresh", {{"A.a.yaml", "kind: A\n"}}, false, &cancel), lo::Error);
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"out"}));
}

ino_t inode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

TEST_F(FolderTest, ReplacesTheFolderWholeKeepingWhatIsUnchangedAndWhatIsYours) {
  fs::path out = dir_ / "out";
  lo::build::write_folder(out, {{"A.a.yaml", "kind: A\n"}, {"B.b.yaml", "kind: B\n"}}, true);
  std::ofstream(out / "mine.txt") << "not lo's";
  fs::create_symlink("A.a.yaml", out / "my-link");
  fs::permissions(out, fs::perms(0750));
  ino_t folder = inode(out), a = inode(out / "A.a.yaml"), b = inode(out / "B.b.yaml");

  EXPECT_EQ(lo::build::write_folder(out, {{"A.a.yaml", "kind: A\n"}, {"B.b.yaml", "kind: B2\n"}, {"C.c.yaml", "kind: C"}}, true),
            0u);
  EXPECT_NE(inode(out), folder);  // a new folder took the old one's place
  EXPECT_EQ(listing(out), (std::vector<std::string>{"A.a.yaml", "B.b.yaml", "C.c.yaml", "kustomization.yaml",
                                                    "mine.txt", "my-link"}));
  EXPECT_EQ(inode(out / "A.a.yaml"), a);  // the same bytes: the same file, mtime and all
  EXPECT_NE(inode(out / "B.b.yaml"), b);
  EXPECT_EQ(lo::read_file(out / "B.b.yaml"), "kind: B2\n");
  EXPECT_EQ(lo::read_file(out / "C.c.yaml"), "kind: C\n");
  EXPECT_EQ(lo::read_file(out / "mine.txt"), "not lo's");
  EXPECT_TRUE(fs::is_symlink(out / "my-link"));
  EXPECT_EQ(fs::status(out).permissions() & fs::perms::all, fs::perms(0750));
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"out"}));  // the old folder is gone

  EXPECT_EQ(lo::build::write_folder(out, {{"C.c.yaml", "kind: C\n"}}, true), 2u);
  EXPECT_EQ(listing(out), (std::vector<std::string>{"C.c.yaml", "kustomization.yaml", "mine.txt", "my-link"}));

  // The same set again: nothing to write, the folder stays as it is.
  folder = inode(out);
  ino_t k = inode(out / "kustomization.yaml");
  EXPECT_EQ(lo::build::write_folder(out, {{"C.c.yaml", "kind: C\n"}}, true), 0u);
  EXPECT_EQ(inode(out), folder);
  EXPECT_EQ(inode(out / "kustomization.yaml"), k);
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"out"}));
}

// When most files changed, the writer stops comparing and writes them all:
// the result is the same.
TEST_F(FolderTest, AFolderWhereMostFilesChangedComesOutRight) {
  fs::path out = dir_ / "out";
  std::vector<std::string> before, after;
  for (int i = 0; i < 600; ++i) {
    before.push_back("n: " + std::to_string(i) + "\n");
    after.push_back(i < 500 ? "n: " + std::to_string(i) + " changed\n" : before.back());
  }
  auto files_of = [](const std::vector<std::string>& bodies) {
    std::vector<OutFile> files;
    for (size_t i = 0; i < bodies.size(); ++i) files.push_back({"F." + std::to_string(i) + ".yaml", bodies[i]});
    return files;
  };
  lo::build::write_folder(out, files_of(before), true);
  lo::build::write_folder(out, files_of(after), true);
  for (size_t i = 0; i < after.size(); ++i) ASSERT_EQ(lo::read_file(out / ("F." + std::to_string(i) + ".yaml")), after[i]);
  EXPECT_EQ(listing(out).size(), 601u);
}

// --split-file adds each document under the name it would have alone; a
// clash is known only at the end. The folder appears with the final names.
TEST_F(FolderTest, NamesThatChangeAtTheEndAreInPlaceBeforeTheFolderAppears) {
  for (int existing = 0; existing < 2; ++existing) {
    fs::path out = dir_ / ("out" + std::to_string(existing));
    if (existing) lo::build::write_folder(out, {{"Foo.core.a.yaml", "one\n"}, {"Old.yaml", "old\n"}}, true);
    std::vector<std::string> bodies, first, last;
    for (int i = 0; i < 700; ++i) {  // enough for the writer threads to start
      bodies.push_back("doc " + std::to_string(i) + "\n");
      first.push_back("F." + std::to_string(i) + ".yaml");
      last.push_back(first.back());
    }
    first[0] = first[300] = "Foo.a.yaml";  // the same name twice
    last[0] = "Foo.core.a.yaml";
    last[300] = "Foo.core.a.2.yaml";
    bodies[0] = "one\n";
    first[699] = "foo.A.yaml";  // the same name ignoring case
    last[699] = "foo.example.A.yaml";
    {
      lo::build::FolderWriter w(out, true);
      for (size_t i = 0; i < bodies.size(); ++i) w.add(first[i], bodies[i]);
      EXPECT_EQ(w.finish(last), existing ? 1u : 0u);
    }
    std::vector<std::string> want = last;
    want.push_back("kustomization.yaml");
    std::sort(want.begin(), want.end());
    EXPECT_EQ(listing(out), want);
    for (size_t i = 0; i < bodies.size(); ++i) ASSERT_EQ(lo::read_file(out / last[i]), bodies[i]) << last[i];
    EXPECT_EQ(lo::read_file(out / "kustomization.yaml"), lo::build::owned_kustomization(last));
  }
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"out0", "out1"}));
}

// An error before finish() (the YAML of document 4,000 is wrong) leaves
// everything as it was.
TEST_F(FolderTest, AWriterThatDoesNotFinishLeavesNoTrace) {
  fs::path out = dir_ / "out";
  lo::build::write_folder(out, {{"A.a.yaml", "kind: A\n"}}, true);
  std::string body = "kind: X\n";
  for (fs::path target : {out, dir_ / "fresh"}) {
    lo::build::FolderWriter w(target, true);
    for (int i = 0; i < 1000; ++i) w.add("X." + std::to_string(i) + ".yaml", body);
  }
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"out"}));
  EXPECT_EQ(listing(out), (std::vector<std::string>{"A.a.yaml", "kustomization.yaml"}));
}

// A sub-folder cannot be carried into a new folder by a hard link: such a
// folder is updated file by file, as it always was.
TEST_F(FolderTest, AFolderWithASubFolderIsUpdatedFileByFile) {
  fs::path out = dir_ / "out";
  lo::build::write_folder(out, {{"A.a.yaml", "kind: A\n"}, {"B.b.yaml", "kind: B\n"}}, true);
  fs::create_directories(out / "keep");
  std::ofstream(out / "keep" / "x") << "x";
  ino_t folder = inode(out), a = inode(out / "A.a.yaml");
  EXPECT_EQ(lo::build::write_folder(out, {{"A.a.yaml", "kind: A\n"}, {"C.c.yaml", "kind: C\n"}}, true), 1u);
  EXPECT_EQ(inode(out), folder);
  EXPECT_EQ(inode(out / "A.a.yaml"), a);
  EXPECT_EQ(listing(out), (std::vector<std::string>{"A.a.yaml", "C.c.yaml", "keep", "kustomization.yaml"}));
  EXPECT_EQ(lo::read_file(out / "keep" / "x"), "x");
}

// `--out .`: the working folder is not pulled from under the shell.
TEST_F(FolderTest, TheWorkingFolderIsUpdatedFileByFile) {
  fs::path out = dir_ / "out";
  lo::build::write_folder(out, {{"A.a.yaml", "kind: A\n"}}, true);
  ino_t folder = inode(out);
  fs::path before = fs::current_path();
  fs::current_path(out);
  lo::build::write_folder(".", {{"B.b.yaml", "kind: B\n"}}, true);
  fs::current_path(before);
  EXPECT_EQ(inode(out), folder);
  EXPECT_EQ(listing(out), (std::vector<std::string>{"B.b.yaml", "kustomization.yaml"}));
}

TEST_F(FolderTest, AnOutFolderThatIsASymbolicLinkStaysOne) {
  fs::path real = dir_ / "real", out = dir_ / "out";
  lo::build::write_folder(real, {{"A.a.yaml", "kind: A\n"}}, true);
  fs::create_directory_symlink("real", out);
  lo::build::write_folder(out, {{"B.b.yaml", "kind: B\n"}}, true);
  EXPECT_TRUE(fs::is_symlink(out));
  EXPECT_EQ(listing(real), (std::vector<std::string>{"B.b.yaml", "kustomization.yaml"}));
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"out", "real"}));
}

// A reader holding the folder open sees one whole set: every file the
// kustomization.yaml lists is there, and is of the same set. (Written file
// by file, a reader could see a listing whose files were just removed.)
TEST_F(FolderTest, AReaderNeverSeesAHalfWrittenFolder) {
  fs::path out = dir_ / "out";
  auto set = [](char tag, int n) {
    std::vector<std::string> bodies;
    for (int i = 0; i < n; ++i) bodies.push_back(std::string("set: ") + tag + "\n");
    return bodies;
  };
  std::vector<std::string> x = set('X', 40), y = set('Y', 60);
  auto files_of = [](char tag, const std::vector<std::string>& bodies) {
    std::vector<OutFile> files;
    for (size_t i = 0; i < bodies.size(); ++i) files.push_back({std::string(1, tag) + "." + std::to_string(i) + ".yaml", bodies[i]});
    return files;
  };
  std::vector<OutFile> fx = files_of('X', x), fy = files_of('Y', y);
  lo::build::write_folder(out, fx, true);
  std::atomic<bool> done{false};
  std::atomic<int> looks{0};
  std::atomic<bool> bad{false};
  std::string problem;  // written by the reader only, read after it ended
  std::thread reader([&] {
    while (!done && !bad) {
      // Which folder is at `out` now; a look counts only if it still is
      // afterwards (the folder a reader holds may be replaced and removed
      // while it reads: then it reads a folder that is going, not a new one).
      struct stat before {}, held {}, after {};
      int dfd = ::open(out.c_str(), O_RDONLY | O_DIRECTORY);
      if (dfd < 0) continue;
      ::fstat(dfd, &held);
      auto read_at = [&](const std::string& name, std::string& into) {
        int fd = ::openat(dfd, name.c_str(), O_RDONLY);
        if (fd < 0) return false;
        char buf[4096];
        ssize_t n = ::read(fd, buf, sizeof buf);
        ::close(fd);
        into.assign(buf, n > 0 ? static_cast<size_t>(n) : 0);
        return true;
      };
      std::string k, seen;
      if (::stat(out.c_str(), &before) == 0 && before.st_ino == held.st_ino && read_at("kustomization.yaml", k)) {
        char tag = 0;
        for (size_t pos = 0; seen.empty() && (pos = k.find("  - ", pos)) != std::string::npos; pos += 4) {
          std::string name = k.substr(pos + 4, k.find('\n', pos) - pos - 4), body;
          if (!tag) tag = name[0];
          if (name[0] != tag) seen = "the listing mixes sets";
          else if (!read_at(name, body)) seen = name + " is listed but missing";
          else if (body != std::string("set: ") + tag + "\n") seen = name + " holds " + body;
        }
        if (::stat(out.c_str(), &after) == 0 && after.st_ino == held.st_ino) {
          problem = seen;
          bad = !seen.empty();
          ++looks;
        }
      }
      ::close(dfd);
    }
  });
  for (int i = 0; i < 60 && !bad; ++i) lo::build::write_folder(out, i % 2 ? fx : fy, true);
  done = true;
  reader.join();
  EXPECT_EQ(problem, "");
  EXPECT_GT(looks.load(), 0);
}

}  // namespace

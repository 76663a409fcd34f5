// Splitting YAML streams (kubectl-lo-build/split.hpp) and writing the
// resulting folder (kubectl-lo-build/folder.hpp).
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "kubectl-lo-build/folder.hpp"
#include "kubectl-lo-build/split.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"

namespace fs = std::filesystem;
using lo::build::DocInfo;
using lo::build::scan_documents;
using lo::build::split_file_names;

namespace {

std::string bytes(std::string_view text, const DocInfo& d) { return std::string(text.substr(d.begin, d.end - d.begin)); }

std::vector<std::string> names_of(const std::string& text) { return split_file_names(scan_documents(text, "t.yaml")); }

TEST(Split, ReadsObjectsAndKeepsTheirBytes) {
  std::string text =
      "---\n"
      "# Source: chart/templates/cm.yaml\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg  # the config\n  namespace: web\n"
      "  labels:\n    name: not-this\ndata:\n  kind: not-this-either\n"
      "---\n"
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: 'reader'\n"
      "---\n# only a comment\n\n"
      "---\n"
      "apiVersion: apps/v1\r\nkind: \"Deployment\"\r\nmetadata:\r\n  namespace: web\r\n  name: app\r\n";
  auto docs = scan_documents(text, "t.yaml");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].kind, "ConfigMap");
  EXPECT_EQ(docs[0].name, "cfg");
  EXPECT_EQ(docs[0].ns, "web");
  EXPECT_EQ(docs[0].line, 3u);
  EXPECT_EQ(bytes(text, docs[0]).substr(0, 34), "# Source: chart/templates/cm.yaml\n");
  EXPECT_EQ(docs[1].api_version, "rbac.authorization.k8s.io/v1");
  EXPECT_EQ(docs[1].name, "reader");
  EXPECT_EQ(docs[1].ns, "");
  EXPECT_EQ(docs[2].kind, "Deployment");
  EXPECT_EQ(docs[2].ns, "web");
  EXPECT_EQ(bytes(text, docs[2]), "apiVersion: apps/v1\r\nkind: \"Deployment\"\r\nmetadata:\r\n  namespace: web\r\n  name: app\r\n");
  for (const auto& d : docs) EXPECT_FALSE(d.parsed) << d.kind;
  EXPECT_EQ(split_file_names(docs),
            (std::vector<std::string>{"ConfigMap.web.cfg.yaml", "ClusterRole.reader.yaml", "Deployment.web.app.yaml"}));
  EXPECT_EQ(lo::build::count_documents(text), 3u);
}

TEST(Split, DocumentEndMarkersAndNoLeadingMarker) {
  std::string text = "kind: A\napiVersion: v1\nmetadata: {name: a}\n...\n---\nkind: B\napiVersion: v1\nmetadata:\n  name: b\n...\n";
  auto docs = scan_documents(text, "t.yaml");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].name, "a");
  EXPECT_TRUE(docs[0].parsed);  // flow-style metadata needs the parser
  EXPECT_EQ(docs[1].name, "b");
  EXPECT_FALSE(docs[1].parsed);
  EXPECT_EQ(bytes(text, docs[1]), "kind: B\napiVersion: v1\nmetadata:\n  name: b\n");
}

// Each of these is something the line reader must not guess at.
TEST(Split, HardDocumentsGoThroughTheParserAndStillComeOutRight) {
  struct Case {
    const char* text;
    const char* kind;
    const char* name;
    const char* ns;
  } cases[] = {
      {"{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: n}}\n", "Secret", "s", "n"},
      {"apiVersion: v1\nkind: Secret\nmetadata:\n  name: long\n    name\n", "Secret", "long name", ""},
      {"apiVersion: v1\n\"kind\": Secret\nmetadata:\n  name: q\n", "Secret", "q", ""},
      {"apiVersion: v1\nkind: Secret\nmetadata: &m\n  name: anchored\n", "Secret", "anchored", ""},
      {"apiVersion: v1\nkind: Secret\nmetadata:\n  name: \"esc\\u0061ped\"\n", "Secret", "escaped", ""},
      {"apiVersion: v1\nkind: Secret\nmetadata:\n  name: >-\n    folded\n", "Secret", "folded", ""},
      {"  apiVersion: v1\n  kind: Secret\n  metadata:\n    name: indented\n", "Secret", "indented", ""},
      {"apiVersion: v1\nkind: !!str Secret\nmetadata:\n  name: tagged\n", "Secret", "tagged", ""},
      {"--- !!map\napiVersion: v1\nkind: Secret\nmetadata:\n  name: marker\n", "Secret", "marker", ""},
      {"%YAML 1.2\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: directive\n", "Secret", "directive", ""},
      {"base: &b\n  name: merged\napiVersion: v1\nkind: Secret\nmetadata:\n  <<: *b\n", "Secret", "merged", ""},
      {"apiVersion: v1\nkind: Secret\nmetadata:\n  generateName: gen-\n", "Secret", "gen-", ""},
  };
  for (const auto& c : cases) {
    std::vector<DocInfo> docs;
    ASSERT_NO_THROW(docs = scan_documents(c.text, "t.yaml")) << c.text;
    ASSERT_EQ(docs.size(), 1u) << c.text;
    EXPECT_TRUE(docs[0].parsed) << c.text;
    EXPECT_EQ(docs[0].kind, c.kind) << c.text;
    EXPECT_EQ(docs[0].name, c.name) << c.text;
    EXPECT_EQ(docs[0].ns, c.ns) << c.text;
  }
}

TEST(Split, ErrorsNameTheFileAndLine) {
  auto expect_error = [](const std::string& text, int line, const std::string& what) {
    try {
      scan_documents(text, "in.yaml");
      ADD_FAILURE() << "no error for: " << text;
    } catch (const lo::Error& e) {
      ASSERT_FALSE(e.problems().empty());
      EXPECT_EQ(e.problems()[0].where.file, "in.yaml");
      EXPECT_EQ(e.problems()[0].where.line, line) << text;
      EXPECT_NE(e.problems()[0].what.find(what), std::string::npos) << e.problems()[0].what;
    }
  };
  expect_error("apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\napiVersion: v1\nmetadata:\n  name: b\n", 6, "no kind");
  expect_error("apiVersion: v1\nkind: A\nmetadata:\n  labels: {}\n", 1, "no metadata.name");
  expect_error("---\n- just\n- a list\n", 2, "not a Kubernetes object");
  expect_error("apiVersion: v1\nkind: A\nmetadata:\n  name: [unclosed\n", 5, "invalid YAML");
}

TEST(Split, CollisionsNeverShareAFile) {
  std::string text =
      "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: a\n---\n"
      "apiVersion: example.com/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: a\n---\n"
      // cluster-scoped "a.b" versus "b" in namespace "a": both Foo.a.b
      "apiVersion: v1\nkind: Foo\nmetadata:\n  name: a.b\n---\n"
      "apiVersion: v1\nkind: Foo\nmetadata:\n  name: b\n  namespace: a\n---\n"
      // the same object twice
      "apiVersion: v1\nkind: Bar\nmetadata:\n  name: x\n---\n"
      "apiVersion: v1\nkind: Bar\nmetadata:\n  name: x\n---\n"
      // names that differ only in case
      "apiVersion: v1\nkind: Baz\nmetadata:\n  name: Y\n---\n"
      "apiVersion: v2\nkind: Baz\nmetadata:\n  name: y\n";
  EXPECT_EQ(names_of(text), (std::vector<std::string>{
                                "Certificate.cert-manager.io.a.web.yaml", "Certificate.example.com.a.web.yaml",
                                "Foo.core.a.b.yaml", "Foo.core.a.b.2.yaml", "Bar.core.x.yaml", "Bar.core.x.2.yaml",
                                "Baz.core.Y.yaml", "Baz.core.y.2.yaml"}));
  // Deterministic: the same stream gives the same names.
  EXPECT_EQ(names_of(text), names_of(text));
}

TEST(Split, FileNamesStayInsideTheFolder) {
  std::string text =
      "apiVersion: v1\nkind: ../Evil\nmetadata:\n  name: ../../etc/passwd\n---\n"
      "apiVersion: v1\nkind: .hidden\nmetadata:\n  name: x\n---\n"
      "apiVersion: v1\nkind: Long\nmetadata:\n  name: " + std::string(300, 'n') + "\n---\n"
      "apiVersion: v1\nkind: Long\nmetadata:\n  name: " + std::string(299, 'n') + "m\n";
  auto names = names_of(text);
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(names[0], "_.._Evil..._.._etc_passwd.yaml");
  EXPECT_EQ(names[1], "_.hidden.x.yaml");
  for (const auto& n : names) {
    EXPECT_EQ(n.find('/'), std::string::npos);
    EXPECT_NE(n[0], '.');
    EXPECT_LE(n.size(), 255u);
  }
  EXPECT_NE(names[2], names[3]);
}

// The line reader and the full parser agree on a mix of generated documents.
TEST(Split, FastReaderAgreesWithTheParser) {
  std::mt19937 rng(7);
  const char* kinds[] = {"ConfigMap", "Deployment", "ClusterRole", "Service"};
  std::string text;
  for (int i = 0; i < 300; ++i) {
    std::string name = "obj-" + std::to_string(i);
    std::string doc;
    int style = static_cast<int>(rng() % 6);
    doc += "apiVersion: " + std::string(i % 2 ? "v1" : "apps/v1") + "\n";
    if (style == 1) doc += "# comment between keys\n";
    doc += "kind: " + std::string(kinds[i % 4]) + "\n";
    doc += "metadata:\n";
    if (style == 2) doc += "  labels:\n    name: decoy\n    namespace: decoy\n";
    doc += style == 3 ? "  name: '" + name + "'\n" : style == 4 ? "  name: \"" + name + "\"\n" : "  name: " + name + "\n";
    if (i % 4 != 2) doc += "  namespace: ns-" + std::to_string(i % 5) + "\n";
    if (style == 5) doc += "  annotations:\n    note: |\n      kind: Fake\n      name: fake\n";
    doc += "data:\n  key: value-" + std::to_string(i) + "\n";
    text += (i ? "---\n" : "") + doc;
  }
  auto docs = scan_documents(text, "gen.yaml");
  ASSERT_EQ(docs.size(), 300u);
  for (const auto& d : docs) {
    EXPECT_FALSE(d.parsed);
    YAML::Node n = YAML::Load(bytes(text, d));
    EXPECT_EQ(d.kind, n["kind"].as<std::string>());
    EXPECT_EQ(d.api_version, n["apiVersion"].as<std::string>());
    EXPECT_EQ(d.name, n["metadata"]["name"].as<std::string>());
    EXPECT_EQ(d.ns, n["metadata"]["namespace"] ? n["metadata"]["namespace"].as<std::string>() : "");
  }
}

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
  EXPECT_THROW(lo::build::write_folder(dir_ / "fresh", {{"A.a.yaml", "kind: A\n"}}, false, &cancel), lo::Error);
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"out"}));
}

}  // namespace

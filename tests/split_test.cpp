// Splitting YAML streams (kubectl-lo-build/split.hpp); writing the folder
// is tests/folder_test.cpp.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <random>

#include "kubectl-lo-build/split.hpp"
#include "lo/error.hpp"

using lo::build::DocInfo;
using lo::build::scan_documents;
using lo::build::split_file_names;

namespace {

std::string bytes(std::string_view text, const DocInfo& d) { return std::string(text.substr(d.begin, d.end - d.begin)); }

std::string identity(const DocInfo& d) {
  return d.api_version + " " + d.kind + " " + d.ns + "/" + d.name + (d.parsed ? ", parsed" : ", read without the parser");
}

std::vector<std::string> names_of(const std::string& text) { return split_file_names(scan_documents(text, "t.yaml")); }

// The first problem of the error splitting `text` (as in.yaml) gives; a test
// failure when it gives none.
lo::Problem problem_of(const std::string& text) {
  try {
    scan_documents(text, "in.yaml");
  } catch (const lo::Error& e) {
    if (!e.problems().empty()) return e.problems()[0];
  }
  ADD_FAILURE() << "no error for: " << text;
  return {};
}

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
    lo::Problem p = problem_of(text);
    EXPECT_EQ(p.where.file, "in.yaml");
    EXPECT_EQ(p.where.line, line) << text;
    EXPECT_NE(p.what.find(what), std::string::npos) << p.what;
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

// kustomize prints lists at the column of their key ("rules:\n- apiGroups:"),
// in metadata too; an entry's "name:" is not metadata.name.
TEST(Split, TheFastReaderFollowsListsAtTheColumnOfTheirKey) {
  std::string text = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  finalizers:
  - example.com/keep
  ownerReferences:
  - apiVersion: v1
    kind: Owner
    name: not-this
  - name: nor-this
  name: app
  namespace: web
roleRef:
  kind: Role
  name: app
subjects:
- kind: ServiceAccount
  name: app
- - nested
  - |
    name: in a block scalar
)";
  std::vector<DocInfo> docs = scan_documents(text, "t.yaml");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(identity(docs[0]), "rbac.authorization.k8s.io/v1 RoleBinding web/app, read without the parser");
  EXPECT_EQ(split_file_names(docs), std::vector<std::string>{"RoleBinding.web.app.yaml"});
  // A List is split as one object, not into its items.
  auto list = scan_documents("apiVersion: v1\nkind: List\nmetadata:\n  name: l\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n",
                             "t.yaml");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_FALSE(list[0].parsed);
  EXPECT_EQ(split_file_names(list), std::vector<std::string>{"List.l.yaml"});
  auto full = scan_documents(text, "t.yaml", lo::build::ScanMode::FullParse);
  ASSERT_EQ(full.size(), 1u);
  full[0].parsed = false;
  EXPECT_EQ(docs[0], full[0]);
}

// Lines that would make the line-by-line view wrong: the reader hands the
// document to the parser, and the result is what the parser says. Several
// of these came from tests/fuzz/split_fuzz.cpp.
TEST(Split, WhatTheReaderCannotFollowIsReadByTheParser) {
  const char* cases[] = {
      // a flow collection or a quoted scalar going on below, with a line
      // that looks like a key at column 0
      "apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec:\n  x: [a,\nkind: B]\n",
      "apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec:\n  x: \"a\nkind: B\"\n",
      "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  labels: {a: b,\n  namespace: x}\n",
      // a CR alone is dropped by yaml-cpp; a NUL or a BOM past the start changes what it reads
      "apiVersion: v1\nkind: A\nmetadata:\n  name: a\rb\n",
      "apiVersion: v1\nkind: A\nmetadata:\n  name: a\x01b\n",
      "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\n\xEF\xBB\xBF" "apiVersion: v1\nkind: B\nmetadata:\n  name: b\n",
      // an identity value followed by something deeper
      "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n    # deeper\n",
      "apiVersion: v1\nkind: A\n  more\nmetadata:\n  name: a\n",
      // keys twice: yaml-cpp takes the first
      "apiVersion: v1\nkind: A\nkind: B\nmetadata:\n  name: a\n  name: b\n",
      // anchors, aliases, merge keys, complex keys, tags
      "apiVersion: v1\nkind: A\nmetadata:\n  name: &n a\nspec: {ref: *n}\n",
      "apiVersion: v1\nkind: A\nmetadata:\n  <<: {name: merged}\n",
      "apiVersion: v1\nkind: A\n? metadata\n: name: a\n",
      "apiVersion: v1\nkind: !!str A\nmetadata:\n  name: a\n",
      // tabs
      "apiVersion: v1\nkind: A\nmetadata:\n\tname: a\n",
      // a list right under metadata, or under an identity key
      "apiVersion: v1\nkind: A\nmetadata:\n- name: a\n",
      "apiVersion: v1\nkind:\n- A\nmetadata:\n  name: a\n",
      // kind: List is an object like any other: its items are not split out,
      // and without a name of its own it is an error
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: item\n",
  };
  for (const char* text : cases) {
    std::vector<DocInfo> fast, full;
    std::string fast_error, full_error;
    try {
      fast = scan_documents(text, "t.yaml");
    } catch (const lo::Error& e) {
      fast_error = lo::format_problem(e.problems().at(0));
    }
    try {
      full = scan_documents(text, "t.yaml", lo::build::ScanMode::FullParse);
    } catch (const lo::Error& e) {
      full_error = lo::format_problem(e.problems().at(0));
    }
    EXPECT_EQ(fast_error, full_error) << text;
    ASSERT_EQ(fast.size(), full.size()) << text;
    for (size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].parsed, i + 1 == fast.size()) << text;  // the last document holds the trick
      fast[i].parsed = full[i].parsed;
      EXPECT_EQ(fast[i], full[i]) << text;
    }
  }
}

// yaml-cpp reads a stream with NULs in its first bytes as UTF-16 or UTF-32,
// where the byte scan sees nothing it knows; found by the fuzz target.
TEST(Split, AStreamThatIsNotUtf8IsAnError) {
  for (std::string text : {std::string("%\0\0\0YAML 1.2\n---\nkind: A\n", 24), std::string("\xFF\xFEk\0i\0n\0d\0", 10),
                           std::string("k\0i\0n\0d\0:\0 \0A\0\n\0", 16)}) {
    lo::Problem p = problem_of(text);
    EXPECT_EQ(p.where.line, 1);
    EXPECT_EQ(p.what, "this file is not UTF-8 (it looks UTF-16 or UTF-32 encoded)");
  }
  // Past the start, a document is read as part of a UTF-8 stream, whatever
  // its first bytes: a BOM there (files joined with cat) is content to
  // yaml-cpp, so its first key is not apiVersion; the bytes stay as they are.
  std::string later = "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\n\xEF\xBB\xBF" "apiVersion: v1\nkind: B\nmetadata:\n  name: b\n";
  auto docs = scan_documents(later, "in.yaml");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_TRUE(docs[1].parsed);
  EXPECT_EQ(docs[1].kind, "B");
  EXPECT_EQ(docs[1].api_version, "");
  EXPECT_EQ(later.substr(docs[1].begin, 3), "\xEF\xBB\xBF");
}

// Each document is parsed as it stands in the stream, with the marker that
// ends it: yaml-cpp reads a lone tag as null at the end of its input but as
// an empty string before "..."; found by the fuzz target.
TEST(Split, ADocumentIsParsedWithTheMarkerThatEndsIt) {
  lo::Problem p = problem_of("!!s \n...\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n");
  EXPECT_EQ(p.where.line, 1);
  EXPECT_EQ(p.what, "document is not a Kubernetes object (not a mapping)");
}

// Content after "..." on its line is not dropped: YAML allows a comment
// there, yaml-cpp reads a new document; found by the fuzz target.
TEST(Split, ContentAfterADocumentEndMarkerIsNotDropped) {
  lo::Problem p = problem_of("apiVersion: v1\nkind: A\nmetadata:\n  name: a\n... [x]\n");
  EXPECT_EQ(p.where.line, 5);
  EXPECT_EQ(p.what, "document is not a Kubernetes object (not a mapping)");
  EXPECT_EQ(scan_documents("apiVersion: v1\nkind: A\nmetadata:\n  name: a\n... # done\n", "in.yaml").size(), 1u);
}

// yaml-cpp 0.7's LoadAll never returns (and eats memory) on a document that
// starts with ','; found by the fuzz target.
TEST(Split, AMalformedDocumentIsAnErrorNotAHang) {
  EXPECT_EQ(lo::format_problem(problem_of("apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\n, Source: x\n")),
            "in.yaml:6:1: invalid YAML: cannot read a document here");
}

}  // namespace

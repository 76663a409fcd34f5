// Splitting a multi-document YAML stream into one file per Kubernetes object
// (`kubectl lo build --split` and `--split-file`).
//
// scan_documents finds the document boundaries (a "---" or "..." line at
// column 0, as YAML defines them) and, for each document, reads apiVersion,
// kind, metadata.name and metadata.namespace straight from the bytes, line by
// line, without building a YAML tree (split.cpp). It checks every line of the
// document for what could make that line-by-line view wrong (a flow
// collection or quoted scalar continuing on the next line, anchors, aliases,
// tags, complex or quoted keys, a multi-line identity value, tabs as
// indentation, a root that is not a block mapping at column 0) and hands such
// a document, and any document with a directive, a BOM past the start, a lone
// CR or a control character, to the full YAML parser (yaml-cpp). Each
// document keeps its original bytes. tests/fuzz/split_fuzz.cpp checks that
// the fast reader and the parser agree (ScanMode::FullParse is the parser
// alone).
//
// Only the boundaries and the identity fields are checked: a document the
// fast reader reads is not validated further, so a YAML error deeper inside
// it (a bad indentation under spec:) is left to kustomize or kubectl, which
// report it when the file is used.
//
// File names (split_names.cpp): <Kind>.<namespace>.<name>.yaml, or
// <Kind>.<name>.yaml when the object has no namespace. Names that would clash
// (compared ignoring case, so the folder also works on case-insensitive
// disks) are all qualified with the API group (core for the v1 group):
// <Kind>.<group>.<namespace>.<name>.yaml. Whatever still clashes (the same
// object twice, or the "X.a.b" case of a cluster-scoped name "a.b" beside
// name "b" in namespace "a" of the same group) gets .2, .3, ... in document
// order. Every character outside [A-Za-z0-9._-] becomes '_', a name never
// starts with '.', and an over-long name is cut and completed with a hash,
// so no file leaves the folder.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lo::build {

struct DocInfo {
  size_t begin = 0;  // the document's bytes are text[begin, end)
  size_t end = 0;
  size_t line = 1;   // 1-based line of the document's first content
  std::string api_version;
  std::string kind;
  std::string name;  // metadata.name (metadata.generateName when no name)
  std::string ns;    // metadata.namespace, empty when none
  bool parsed = false;  // true when the full YAML parser was needed

  bool operator==(const DocInfo&) const = default;
};

enum class ScanMode {
  Fast,       // the byte reader, the parser only where the reader cannot decide
  FullParse,  // every document through the parser (the reference the fuzz target compares with)
};

// Every non-empty document of `text` (documents holding only comments or
// blank lines are skipped). Throws lo::Error naming `file` and the line for
// a YAML error or a document that is not an object with kind and name.
std::vector<DocInfo> scan_documents(std::string_view text, const std::string& file, ScanMode mode = ScanMode::Fast);

// The same, calling on_doc for each document as soon as it is read, before
// the next one is (to write it while the rest is read).
std::vector<DocInfo> scan_documents(std::string_view text, const std::string& file, ScanMode mode,
                                    const std::function<void(const DocInfo&)>& on_doc);

// Number of non-empty documents, by the same boundary rules, without reading
// any field (what the plain build reports as its resource count).
size_t count_documents(std::string_view text);

// "apps/v1" -> "apps", "v1" -> "" (the core group).
std::string api_group(std::string_view api_version);

// One file name per document, in the same order, unique as described above.
std::vector<std::string> split_file_names(const std::vector<DocInfo>& docs);

// The name of a document whose name clashes with no other:
// split_file_names gives it unless another document's name is the same.
std::string base_file_name(const DocInfo& doc);

}  // namespace lo::build

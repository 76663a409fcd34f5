// libFuzzer target: the splitter's fast reader against the YAML parser.
//
// For every input:
//   1. When the parser alone (ScanMode::FullParse) accepts the stream, the
//      fast scan must give exactly the same documents: the same bytes
//      (begin, end), lines, apiVersion, kind, name, namespace, and the same
//      file names.
//   2. Every document the fast reader read without the parser, parsed on its
//      own, is either rejected by the parser (a YAML error the fast reader
//      does not look for, documented in split.hpp) or has the same identity.
//   3. When both the parser and yaml-cpp's reading of the whole stream
//      accept it, they see the same number of documents with the same kind
//      and name: the boundaries are where YAML puts them. (Not for streams
//      with a CR alone, which yaml-cpp reads as content, YAML 1.2 and the
//      split as a line break.)
// Any difference aborts with both readings printed. Built and run by
// tests/fuzz/run.sh (clang, -fsanitize=fuzzer,address,undefined); the corpus
// is tests/fuzz/corpus/split/.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kubectl-lo-build/split.hpp"
#include "lo/error.hpp"
#include "lo/yaml_load.hpp"

using lo::build::DocInfo;
using lo::build::ScanMode;

namespace {

std::string show(const DocInfo& d) {
  return "[" + std::to_string(d.begin) + "," + std::to_string(d.end) + ") line " + std::to_string(d.line) +
         " apiVersion='" + d.api_version + "' kind='" + d.kind + "' name='" + d.name + "' ns='" + d.ns + "'" +
         (d.parsed ? " (parsed)" : "");
}

// The input as a C string literal, to paste into a test.
std::string escaped(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '\n') out += "\\n\"\n\"";
    else if (c == '"' || c == '\\') out += std::string("\\") + static_cast<char>(c);
    else if (c >= 0x20 && c < 0x7F) out += static_cast<char>(c);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X\"\"", c);
      out += buf;
    }
  }
  return out + "\"";
}

[[noreturn]] void fail(const std::string& what, std::string_view text) {
  std::fprintf(stderr, "split_fuzz: %s\ninput (%zu bytes):\n%s\n", what.c_str(), text.size(), escaped(text).c_str());
  std::abort();
}

std::optional<std::vector<DocInfo>> scan(std::string_view text, ScanMode mode, std::string& error) {
  try {
    return lo::build::scan_documents(text, "fuzz.yaml", mode);
  } catch (const lo::Error& e) {
    error = e.problems().empty() ? "error" : lo::format_problem(e.problems()[0]);
    return std::nullopt;
  }
}

bool same_identity(const DocInfo& a, const DocInfo& b) {
  return a.api_version == b.api_version && a.kind == b.kind && a.name == b.name && a.ns == b.ns;
}

// What yaml-cpp makes of the whole stream: the kind and metadata.name of each
// document that is not empty, when written as plain keys (documents using
// merge keys are compared by count only).
struct Seen {
  std::optional<std::string> kind, name;
};
std::optional<std::vector<Seen>> whole_stream(std::string_view text) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = lo::load_all(std::string(text));
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
  std::vector<Seen> out;
  for (const auto& n : nodes) {
    if (!n || n.IsNull()) continue;
    Seen s;
    if (n.IsMap() && !n["<<"]) {
      if (n["kind"] && n["kind"].IsScalar()) s.kind = n["kind"].Scalar();
      YAML::Node m = n["metadata"];
      if (m && m.IsMap() && !m["<<"] && m["name"] && m["name"].IsScalar()) s.name = m["name"].Scalar();
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;  // the parser is slow; long inputs teach nothing more
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string fast_error, full_error;
  auto fast = scan(text, ScanMode::Fast, fast_error);
  auto full = scan(text, ScanMode::FullParse, full_error);

  if (full) {
    if (!fast) fail("the fast scan failed where the parser succeeded: " + fast_error, text);
    if (fast->size() != full->size())
      fail("fast scan found " + std::to_string(fast->size()) + " documents, the parser " +
               std::to_string(full->size()),
           text);
    for (size_t i = 0; i < full->size(); ++i) {
      const DocInfo &a = (*fast)[i], &b = (*full)[i];
      if (a.begin != b.begin || a.end != b.end || a.line != b.line || !same_identity(a, b))
        fail("document " + std::to_string(i) + " differs:\n  fast:   " + show(a) + "\n  parser: " + show(b), text);
    }
    if (lo::build::split_file_names(*fast) != lo::build::split_file_names(*full)) fail("file names differ", text);
  }

  if (fast) {
    for (const DocInfo& d : *fast) {
      if (d.parsed) continue;
      std::string error;
      auto alone = scan(text.substr(d.begin, d.end - d.begin), ScanMode::FullParse, error);
      if (!alone) continue;  // a YAML error the fast reader does not look for
      if (alone->size() != 1 || !same_identity(alone->front(), d))
        fail("the parser reads the document " + show(d) + " differently" +
                 (alone->empty() ? std::string(" (as empty)") : ":\n  parser: " + show(alone->front())),
             text);
    }
  }

  // yaml-cpp reads a CR that is not part of a CRLF as content (a line of
  // "\r" is an empty string to it); to YAML 1.2, and to the split, it is a
  // line break. Such streams cannot be compared as a whole.
  bool lone_cr = false;
  for (size_t i = 0; i < text.size() && !lone_cr; ++i) lone_cr = text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n');
  if (full && !lone_cr) {
    if (auto whole = whole_stream(text)) {
      if (whole->size() != full->size())
        fail("yaml-cpp sees " + std::to_string(whole->size()) + " documents in the whole stream, the split " +
                 std::to_string(full->size()),
             text);
      for (size_t i = 0; i < whole->size(); ++i) {
        const Seen& s = (*whole)[i];
        const DocInfo& d = (*full)[i];
        if ((s.kind && *s.kind != d.kind) || (s.name && *s.name != d.name))
          fail("yaml-cpp reads document " + std::to_string(i) + " of the whole stream as kind '" +
                   s.kind.value_or("?") + "' name '" + s.name.value_or("?") + "':\n  split: " + show(d),
               text);
      }
    }
  }
  return 0;
}

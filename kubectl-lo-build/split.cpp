#include "kubectl-lo-build/split.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kubectl-lo-build/split_reader.hpp"
#include "lo/error.hpp"
#include "lo/yaml_load.hpp"

namespace lo::build {
namespace {

// ---------------------------------------------------------------- lines

struct Line {
  size_t begin = 0;  // first byte
  size_t end = 0;    // end of content (before "\n" and a trailing "\r")
  size_t next = 0;   // first byte of the next line
};

inline Line line_at(std::string_view t, size_t pos) {
  const void* nl = std::memchr(t.data() + pos, '\n', t.size() - pos);
  size_t e = nl ? static_cast<size_t>(static_cast<const char*>(nl) - t.data()) : t.size();
  Line l{pos, e, nl ? e + 1 : t.size()};
  if (l.end > l.begin && t[l.end - 1] == '\r') --l.end;
  return l;
}

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view ltrim(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_blank(s[i])) ++i;
  return s.substr(i);
}

enum class Marker { None, Start, End };

// "---" or "..." at column 0 followed by the end of the line or a blank: a
// document marker wherever it appears, even inside a block scalar.
Marker marker_of(std::string_view l) {
  if (l.size() < 3) return Marker::None;
  if (l.size() > 3 && !is_blank(l[3])) return Marker::None;
  if (l[0] == '-' && l[1] == '-' && l[2] == '-') return Marker::Start;
  if (l[0] == '.' && l[1] == '.' && l[2] == '.') return Marker::End;
  return Marker::None;
}

// ---------------------------------------------------------------- odd bytes

// Positions of bytes the line reader does not interpret the way yaml-cpp
// does: control characters other than tab and line feed (yaml-cpp reads a
// NUL as the sign of a UTF-16 or UTF-32 stream), a CR that is not part of a
// CRLF (yaml-cpp drops it), and a byte order mark past the start of the
// stream (yaml-cpp keeps it as content). A document holding one is read by
// the parser. Sixteen bytes are tested at a time; well-formed text has none.
std::vector<size_t> odd_bytes(std::string_view t) {
  using V = unsigned char __attribute__((vector_size(16)));
  auto splat = [](unsigned char c) {
    V v;
    std::memset(&v, c, sizeof v);
    return v;
  };
  const V space = splat(0x20), lf = splat('\n'), tab = splat('\t'), del = splat(0x7F), bom = splat(0xEF);
  std::vector<size_t> out;
  auto check_one = [&](size_t i) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    bool odd = (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F ||
               (c == '\r' && (i + 1 >= t.size() || t[i + 1] != '\n')) ||
               (c == 0xEF && i > 0 && t.substr(i, 3) == "\xEF\xBB\xBF");
    if (odd) out.push_back(i);
  };
  size_t i = 0;
  for (; i + 16 <= t.size(); i += 16) {
    V v;
    std::memcpy(&v, t.data() + i, 16);
    // Lanes below 0x20 that are not LF or tab, plus DEL and 0xEF (the first
    // byte of a BOM); CR counts as odd here and is looked at byte by byte.
    auto hit = ((v < space) & (v != lf) & (v != tab)) | (v == del) | (v == bom);
    uint64_t w[2];
    std::memcpy(w, &hit, 16);
    if (w[0] | w[1])
      for (size_t j = i; j < i + 16; ++j) check_one(j);
  }
  for (; i < t.size(); ++i) check_one(i);
  return out;
}

// ---------------------------------------------------------------- chunks

struct Chunk {
  size_t begin = 0, end = 0;
  size_t first_line = 1;    // line number of `begin`
  size_t content_line = 0;  // first line that is not blank or a comment
  bool has_content = false;
  bool has_directive = false;
  bool force_parse = false;  // the fast reader must not try this one
  const char* closed_by = "";  // "---" or "..." when a marker line ends it
};

// Calls on_line(line) for every line inside a document (not for marker
// lines) and on_chunk(chunk) at the end of every document, empty ones
// included: one pass over the text.
template <class OnLine, class OnChunk>
void for_each_chunk(std::string_view text, OnLine&& on_line, OnChunk&& on_chunk) {
  size_t pos = 0;
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) pos = 3;
  size_t line_no = 1;
  Chunk cur;
  cur.begin = pos;
  auto close_at = [&](size_t at, const char* marker) {
    cur.end = at;
    cur.closed_by = marker;
    on_chunk(cur);
  };
  while (pos < text.size()) {
    Line l = line_at(text, pos);
    std::string_view sv = text.substr(l.begin, l.end - l.begin);
    Marker m = sv.empty() || (sv[0] != '-' && sv[0] != '.') ? Marker::None : marker_of(sv);
    std::string_view rest = m == Marker::None ? std::string_view() : ltrim(sv.substr(3));
    bool inline_content = !rest.empty() && rest[0] != '#';
    if (m == Marker::Start) {
      if (cur.has_directive && !cur.has_content) {
        // "%YAML 1.2" then "---": the marker opens this same document.
        if (inline_content) {
          cur.has_content = true;
          cur.content_line = line_no;
        }
      } else {
        close_at(l.begin, "---");
        cur = Chunk{};
        cur.begin = inline_content ? l.begin : l.next;
        cur.first_line = inline_content ? line_no : line_no + 1;
        if (inline_content) {
          // "--- !tag" or "--- {a: 1}": content on the marker line itself.
          cur.has_content = cur.force_parse = true;
          cur.content_line = line_no;
        }
      }
    } else if (m == Marker::End) {
      close_at(l.begin, "...");
      cur = Chunk{};
      cur.begin = inline_content ? l.begin : l.next;
      cur.first_line = inline_content ? line_no : line_no + 1;
      if (inline_content) {
        // "... x": YAML allows only a comment there; the parser says what it is.
        cur.has_content = cur.force_parse = true;
        cur.content_line = line_no;
      }
    } else {
      if (!cur.has_content) {
        if (!sv.empty() && sv[0] == '%') {
          cur.has_directive = cur.force_parse = true;
        } else {
          // A CR alone is a line break to YAML: blank, like spaces and tabs.
          size_t i = sv.find_first_not_of(" \t\r");
          if (i != std::string_view::npos && sv[i] != '#') {
            cur.has_content = true;
            cur.content_line = line_no;
          }
        }
      }
      on_line(sv);
    }
    pos = l.next;
    ++line_no;
  }
  close_at(text.size(), "");
}

// ---------------------------------------------------------------- full parse

// map[key], honouring YAML merge keys ("<<: *base"), which yaml-cpp keeps as
// an ordinary key holding the merged mapping (or a list of them).
YAML::Node lookup(const YAML::Node& map, const char* key, int depth = 0) {
  if (!map || !map.IsMap() || depth > 8) return YAML::Node();
  if (const YAML::Node& n = map[key]) return n;
  const YAML::Node& merge = map["<<"];
  if (!merge) return YAML::Node();
  if (merge.IsMap()) return lookup(merge, key, depth + 1);
  if (merge.IsSequence())
    for (const auto& m : merge)
      if (YAML::Node n = lookup(m, key, depth + 1)) return n;
  return YAML::Node();
}

std::string scalar_at(const YAML::Node& map, const char* key) {
  YAML::Node n = lookup(map, key);
  if (n && n.IsScalar()) return n.Scalar();
  return {};
}

// False for a document that turns out to be empty.
bool full_read(std::string_view text, const Chunk& c, DocInfo& d, const std::string& file) {
  std::vector<YAML::Node> nodes;
  try {
    // The document is read as it stands in the stream. yaml-cpp guesses the
    // encoding from the first bytes it reads (NULs there mean UTF-16 or
    // UTF-32): a BOM in front says UTF-8, and is dropped. And it reads some
    // documents differently at the end of the input than before a marker
    // (a lone tag is a null at the end, an empty string before "..."): the
    // marker that ends the document follows it.
    std::string doc = "\xEF\xBB\xBF";
    doc.append(text.substr(c.begin, c.end - c.begin));
    if (*c.closed_by) {
      if (!doc.empty() && doc.back() != '\n' && doc.back() != '\r') doc += '\n';
      doc.append(c.closed_by).append("\n");
    }
    nodes = load_all(doc);
  } catch (const YAML::Exception& e) {
    throw Error(Location{file, "", static_cast<int>(c.first_line + std::max(0, e.mark.line)),
                         e.mark.column >= 0 ? e.mark.column + 1 : 0},
                "invalid YAML: " + e.msg);
  }
  nodes.erase(std::remove_if(nodes.begin(), nodes.end(), [](const YAML::Node& n) { return !n || n.IsNull(); }),
              nodes.end());
  int line = static_cast<int>(c.content_line);
  if (nodes.empty()) return false;
  if (nodes.size() > 1) throw Error(Location{file, "", line}, "cannot tell where this document ends");
  const YAML::Node& root = nodes.front();
  if (!root.IsMap())
    throw Error(Location{file, "", line}, "document is not a Kubernetes object (not a mapping)",
                "every document must be an object with kind and metadata.name");
  d.api_version = scalar_at(root, "apiVersion");
  d.kind = scalar_at(root, "kind");
  YAML::Node meta = lookup(root, "metadata");
  if (meta && meta.IsMap()) {
    d.name = scalar_at(meta, "name");
    if (d.name.empty()) d.name = scalar_at(meta, "generateName");
    d.ns = scalar_at(meta, "namespace");
  }
  if (d.kind.empty())
    throw Error(Location{file, "kind", line}, "document has no kind",
                "every document must be an object with kind and metadata.name");
  if (d.name.empty())
    throw Error(Location{file, "metadata.name", line}, "object " + d.kind + " has no metadata.name",
                "every document must be an object with kind and metadata.name");
  return true;
}

// A stream yaml-cpp would read as UTF-16 or UTF-32: a BOM of theirs, or a
// NUL among the first four bytes.
bool wide_encoding(std::string_view t) {
  if (t.substr(0, 2) == "\xFE\xFF" || t.substr(0, 2) == "\xFF\xFE") return true;
  return t.substr(0, 4).find('\0') != std::string_view::npos;
}

}  // namespace

std::vector<DocInfo> scan_documents(std::string_view text, const std::string& file, ScanMode mode) {
  return scan_documents(text, file, mode, nullptr);
}

std::vector<DocInfo> scan_documents(std::string_view text, const std::string& file, ScanMode mode,
                                    const std::function<void(const DocInfo&)>& on_doc) {
  if (wide_encoding(text))
    throw Error(Location{file, "", 1}, "this file is not UTF-8 (it looks UTF-16 or UTF-32 encoded)",
                "convert it first, e.g. iconv -f UTF-16 -t UTF-8");
  std::vector<DocInfo> docs;
  docs.reserve(std::min<size_t>(text.size() / 200, 100000));  // Kubernetes objects are rarely smaller
  std::vector<size_t> odd = odd_bytes(text);
  size_t next_odd = 0;
  bool fast = mode == ScanMode::Fast;
  FastReader reader;
  auto on_line = [&](std::string_view line) {
    if (fast) reader.line(line);
  };
  auto on_chunk = [&](const Chunk& c) {
    while (next_odd < odd.size() && odd[next_odd] < c.begin) ++next_odd;
    bool has_odd = next_odd < odd.size() && odd[next_odd] < c.end;
    if (c.has_content) {
      DocInfo d;
      d.begin = c.begin;
      d.end = c.end;
      d.line = c.content_line;
      bool read = fast && !c.force_parse && !has_odd && reader.finish(d);
      if (!read) {
        d.parsed = true;
        read = full_read(text, c, d, file);
      }
      if (read) {
        docs.push_back(std::move(d));
        if (on_doc) on_doc(docs.back());
      }
    }
    reader.reset();
  };
  for_each_chunk(text, on_line, on_chunk);
  return docs;
}

size_t count_documents(std::string_view text) {
  size_t n = 0;
  for_each_chunk(text, [](std::string_view) {}, [&](const Chunk& c) { n += c.has_content ? 1 : 0; });
  return n;
}

std::string api_group(std::string_view api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string() : std::string(api_version.substr(0, slash));
}

}  // namespace lo::build

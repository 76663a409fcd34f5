#include "kubectl-lo-build/split.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "kubectl-lo-build/hash.hpp"
#include "lo/error.hpp"

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

std::string_view rtrim(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && is_blank(s[n - 1])) --n;
  return s.substr(0, n);
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

// ---------------------------------------------------------------- chunks

struct Chunk {
  size_t begin = 0, end = 0;
  size_t first_line = 1;    // line number of `begin`
  size_t content_line = 0;  // first line that is not blank or a comment
  bool has_content = false;
  bool has_directive = false;
  bool force_parse = false;  // the fast reader must not try this one
};

// Calls f(chunk) for every document, empty ones included.
template <class F>
void for_each_chunk(std::string_view text, F&& f) {
  size_t pos = 0;
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) pos = 3;
  size_t line_no = 1;
  Chunk cur;
  cur.begin = pos;
  auto close_at = [&](size_t at) {
    cur.end = at;
    f(cur);
  };
  while (pos < text.size()) {
    Line l = line_at(text, pos);
    std::string_view sv = text.substr(l.begin, l.end - l.begin);
    Marker m = marker_of(sv);
    if (m == Marker::Start) {
      std::string_view rest = ltrim(sv.substr(3));
      bool inline_content = !rest.empty() && rest[0] != '#';
      if (cur.has_directive && !cur.has_content) {
        // "%YAML 1.2" then "---": the marker opens this same document.
        if (inline_content) {
          cur.has_content = true;
          cur.content_line = line_no;
        }
      } else {
        close_at(l.begin);
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
      close_at(l.begin);
      cur = Chunk{};
      cur.begin = l.next;
      cur.first_line = line_no + 1;
    } else if (!sv.empty() && sv[0] == '%' && !cur.has_content) {
      cur.has_directive = cur.force_parse = true;
    } else if (!cur.has_content) {
      std::string_view t = ltrim(sv);
      if (!t.empty() && t[0] != '#') {
        cur.has_content = true;
        cur.content_line = line_no;
      }
    }
    pos = l.next;
    ++line_no;
  }
  close_at(text.size());
}

// ---------------------------------------------------------------- fast reader

// "key: value" with a plain key of [A-Za-z0-9_./-] starting with a letter,
// digit or '_'. Anything else (quoted or complex keys, merge keys "<<",
// sequence items) is for the parser.
bool split_key(std::string_view s, std::string_view& key, std::string_view& value) {
  size_t i = 0;
  auto key_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '/' || c == '-';
  };
  if (s.empty() || !(key_char(s[0]) && s[0] != '.' && s[0] != '/' && s[0] != '-')) return false;
  while (i < s.size() && key_char(s[i])) ++i;
  if (i >= s.size() || s[i] != ':') return false;
  if (i + 1 < s.size() && !is_blank(s[i + 1])) return false;
  key = s.substr(0, i);
  value = s.substr(i + 1);
  return true;
}

// Nothing but blanks or a comment after a value.
bool rest_is_empty(std::string_view rest) {
  if (rest.empty()) return true;
  if (!is_blank(rest[0])) return false;
  rest = ltrim(rest);
  return rest.empty() || rest[0] == '#';
}

// Reads a one-line scalar value. False when unsure: empty (the value may
// follow on the next lines), escapes, indicators, null words.
bool read_scalar(std::string_view v, std::string& out, bool& plain) {
  v = ltrim(v);
  if (v.empty()) return false;
  char c = v[0];
  if (c == '"') {
    for (size_t j = 1; j < v.size(); ++j) {
      if (v[j] == '\\') return false;
      if (v[j] == '"') {
        if (!rest_is_empty(v.substr(j + 1))) return false;
        out.assign(v.substr(1, j - 1));
        plain = false;
        return true;
      }
    }
    return false;
  }
  if (c == '\'') {
    std::string s;
    for (size_t j = 1; j < v.size(); ++j) {
      if (v[j] != '\'') {
        s.push_back(v[j]);
        continue;
      }
      if (j + 1 < v.size() && v[j + 1] == '\'') {
        s.push_back('\'');
        ++j;
        continue;
      }
      if (!rest_is_empty(v.substr(j + 1))) return false;
      out = std::move(s);
      plain = false;
      return true;
    }
    return false;
  }
  if (std::strchr("-?:,[]{}#&*!|>%@`~", c)) return false;
  // A comment starts at a '#' after a blank.
  for (size_t j = 1; j < v.size(); ++j)
    if (v[j] == '#' && is_blank(v[j - 1])) {
      v = v.substr(0, j);
      break;
    }
  v = rtrim(v);
  if (v.empty() || v.back() == ':') return false;
  for (size_t j = 0; j + 1 < v.size(); ++j)
    if (v[j] == ':' && is_blank(v[j + 1])) return false;
  if (v == "null" || v == "Null" || v == "NULL") return false;
  out.assign(v);
  plain = true;
  return true;
}

// A value we skip must not spill onto lines we would misread: flow
// collections and quoted scalars must close on their line; anchors, aliases
// and tags go to the parser.
bool value_is_safe(std::string_view v) {
  v = ltrim(v);
  if (v.empty() || v[0] == '#') return true;
  char c = v[0];
  if (c == '&' || c == '*' || c == '!' || c == '%' || c == '@' || c == '`') return false;
  char closer = c == '[' ? ']' : c == '{' ? '}' : c == '"' ? '"' : c == '\'' ? '\'' : 0;
  if (!closer) return true;
  v = rtrim(v);
  return v.size() >= 2 && v.back() == closer;
}

bool fast_read(std::string_view text, const Chunk& c, DocInfo& d) {
  bool seen_api = false, seen_kind = false, seen_meta = false, seen_name = false, seen_ns = false;
  bool in_meta = false;
  long meta_indent = -1;
  long plain_indent = -1;  // indent of a key whose plain value may continue below
  size_t pos = c.begin;
  while (pos < c.end) {
    Line l = line_at(text, pos);
    pos = l.next;
    std::string_view sv = text.substr(l.begin, std::min(l.end, c.end) - l.begin);
    size_t ind = 0;
    while (ind < sv.size() && sv[ind] == ' ') ++ind;
    if (ind == sv.size()) continue;
    if (sv[ind] == '\t') {
      if (ltrim(sv).empty()) continue;
      return false;
    }
    if (sv[ind] == '#') {
      plain_indent = -1;
      continue;
    }
    if (plain_indent >= 0 && static_cast<long>(ind) > plain_indent) return false;
    plain_indent = -1;
    std::string_view key, value;
    bool plain = false;
    if (ind == 0) {
      in_meta = false;
      if (!split_key(sv, key, value)) return false;
      if (key == "apiVersion" || key == "kind") {
        bool& seen = key == "kind" ? seen_kind : seen_api;
        if (seen || !read_scalar(value, key == "kind" ? d.kind : d.api_version, plain)) return false;
        seen = true;
        if (plain) plain_indent = 0;
      } else if (key == "metadata") {
        if (seen_meta || !rest_is_empty(value)) return false;
        seen_meta = in_meta = true;
        meta_indent = -1;
      } else if (!value_is_safe(value)) {
        return false;
      }
      continue;
    }
    if (!in_meta) continue;  // inside some other top-level value
    if (meta_indent < 0) meta_indent = static_cast<long>(ind);
    if (static_cast<long>(ind) < meta_indent) return false;
    if (static_cast<long>(ind) > meta_indent) continue;  // labels, annotations, ...
    if (!split_key(sv.substr(ind), key, value)) return false;
    if (key == "name" || key == "namespace") {
      bool& seen = key == "name" ? seen_name : seen_ns;
      if (seen || !read_scalar(value, key == "name" ? d.name : d.ns, plain)) return false;
      seen = true;
      if (plain) plain_indent = meta_indent;
    } else if (!value_is_safe(value)) {
      return false;
    }
  }
  return seen_api && seen_kind && seen_name && !d.kind.empty() && !d.name.empty();
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
    nodes = YAML::LoadAll(std::string(text.substr(c.begin, c.end - c.begin)));
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

// ---------------------------------------------------------------- names

std::string sanitize(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    if (!ok) c = '_';
  }
  return out;
}

std::string finish_name(std::string stem) {
  if (stem.empty() || !(std::isalnum(static_cast<unsigned char>(stem[0])) || stem[0] == '_')) stem = "_" + stem;
  // 255 bytes is the usual limit for one name; leave room for ".N.yaml" and
  // for the temp-file decoration the writer adds.
  if (stem.size() > 200) stem = stem.substr(0, 180) + "." + sha256_hex(stem).substr(0, 16);
  return stem;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<DocInfo> scan_documents(std::string_view text, const std::string& file) {
  std::vector<DocInfo> docs;
  for_each_chunk(text, [&](const Chunk& c) {
    if (!c.has_content) return;
    DocInfo d;
    d.begin = c.begin;
    d.end = c.end;
    d.line = c.content_line;
    if (c.force_parse || !fast_read(text, c, d)) {
      d = DocInfo{c.begin, c.end, c.content_line};
      d.parsed = true;
      if (!full_read(text, c, d, file)) return;
    }
    docs.push_back(std::move(d));
  });
  return docs;
}

size_t count_documents(std::string_view text) {
  size_t n = 0;
  for_each_chunk(text, [&](const Chunk& c) { n += c.has_content ? 1 : 0; });
  return n;
}

std::string api_group(std::string_view api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string() : std::string(api_version.substr(0, slash));
}

std::vector<std::string> split_file_names(const std::vector<DocInfo>& docs) {
  std::vector<std::string> names(docs.size()), keys(docs.size());
  std::unordered_map<std::string_view, int> uses;
  uses.reserve(docs.size() * 2);
  for (size_t i = 0; i < docs.size(); ++i) {
    const DocInfo& d = docs[i];
    std::string& n = names[i];
    n.reserve(d.kind.size() + d.ns.size() + d.name.size() + 8);
    n += sanitize(d.kind);
    if (!d.ns.empty()) n += "." + sanitize(d.ns);
    n += "." + sanitize(d.name);
    n = finish_name(std::move(n));
    keys[i] = lower(n);
  }
  for (const auto& k : keys) ++uses[k];
  std::vector<bool> clash(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) clash[i] = uses[keys[i]] > 1;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!clash[i]) continue;
    const DocInfo& d = docs[i];
    std::string group = api_group(d.api_version);
    names[i] = finish_name(sanitize(d.kind) + "." + sanitize(group.empty() ? "core" : group) +
                           (d.ns.empty() ? "" : "." + sanitize(d.ns)) + "." + sanitize(d.name));
    keys[i] = lower(names[i]);
  }
  std::unordered_set<std::string> taken;
  taken.reserve(docs.size() * 2);
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!taken.insert(keys[i]).second) {
      for (int k = 2;; ++k) {
        std::string candidate = names[i] + "." + std::to_string(k);
        if (taken.insert(lower(candidate)).second) {
          names[i] = std::move(candidate);
          break;
        }
      }
    }
    names[i] += ".yaml";
  }
  return names;
}

}  // namespace lo::build

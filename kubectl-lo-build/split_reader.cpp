#include "kubectl-lo-build/split_reader.hpp"

#include <cstring>

namespace lo::build {

// What the reader needs to know about one content line.
struct LineShape {
  bool unsafe = false;
  bool dash = false;      // one or more "- " sequence entries first
  bool has_key = false;   // "key: value" (after any dashes)
  bool plain_key = false;
  std::string_view key;   // as written, up to the ':'
  size_t value_at = std::string_view::npos;  // first byte of the value; npos when empty (a block node may follow)
  long block_n = -1;       // a block scalar starts: its content is every following line indented more
};

namespace {

constexpr size_t npos = std::string_view::npos;

// Character classes, one table lookup per byte.
enum : unsigned char {
  kBlank = 1,     // space, tab
  kKey = 2,       // [A-Za-z0-9_./-]: a simple key
  kKeyStart = 4,  // [A-Za-z0-9_]: its first character
  kStop = 8,      // ':' and '#': where a plain key may end
  kSpecial = 16,  // a first byte of a value that is not simply a plain scalar
};

struct Classes {
  unsigned char c[256] = {};
  constexpr Classes() {
    c[static_cast<unsigned char>(' ')] = c[static_cast<unsigned char>('\t')] = kBlank;
    for (int i = 'a'; i <= 'z'; ++i) c[i] = kKey | kKeyStart;
    for (int i = 'A'; i <= 'Z'; ++i) c[i] = kKey | kKeyStart;
    for (int i = '0'; i <= '9'; ++i) c[i] = kKey | kKeyStart;
    c[static_cast<unsigned char>('_')] = kKey | kKeyStart;
    c[static_cast<unsigned char>('.')] = c[static_cast<unsigned char>('/')] = kKey;
    c[static_cast<unsigned char>('-')] = kKey | kSpecial;
    c[static_cast<unsigned char>(':')] = kStop | kSpecial;
    c[static_cast<unsigned char>('#')] = kStop | kSpecial;
    for (char x : {'"', '\'', '[', '{', '|', '>', '&', '*', '!', '%', '@', '`', ',', ']', '}', '?', '\t', '\0'})
      c[static_cast<unsigned char>(x)] |= kSpecial;
  }
};
constexpr Classes kClasses;

inline unsigned char cls(char c) { return kClasses.c[static_cast<unsigned char>(c)]; }

inline bool is_blank(char c) { return cls(c) & kBlank; }

// Nothing but blanks or a comment from `i` on.
bool rest_is_empty(std::string_view s, size_t i) {
  if (i >= s.size()) return true;
  if (!is_blank(s[i])) return false;
  while (i < s.size() && is_blank(s[i])) ++i;
  return i >= s.size() || s[i] == '#';
}

// The index after the closing quote of the quoted scalar starting at s[i],
// or npos when it does not close on this line.
size_t quoted_end(std::string_view s, size_t i) {
  char q = s[i];
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (q == '"' && s[j] == '\\') {
      ++j;
    } else if (s[j] == q) {
      if (q == '\'' && j + 1 < s.size() && s[j + 1] == '\'') {
        ++j;
      } else {
        return j + 1;
      }
    }
  }
  return npos;
}

// The index after the flow collection starting at s[i], or npos when it does
// not close on this line. Every quote counts as the start of a quoted
// scalar, so a quote inside a plain flow scalar ("[it's]") gives npos:
// unsure, never wrong.
size_t flow_end(std::string_view s, size_t i) {
  int depth = 0;
  for (size_t j = i; j < s.size(); ++j) {
    char c = s[j];
    if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return j + 1;
    } else if (c == '"' || c == '\'') {
      size_t e = quoted_end(s, j);
      if (e == npos) return e;
      j = e - 1;
    } else if (c == '#' && is_blank(s[j - 1])) {
      return npos;
    }
  }
  return npos;
}

// "|", ">", "|-", ">+2", "|2-" ... then nothing but a comment.
bool block_header(std::string_view s, size_t i) {
  size_t j = i + 1;
  while (j < s.size() && (s[j] == '-' || s[j] == '+' || (s[j] >= '1' && s[j] <= '9'))) ++j;
  return rest_is_empty(s, j);
}


// The value starting at or after s[i] of a key (or entry) at column n.
inline void value_shape(std::string_view s, size_t i, long n, LineShape& sh) {
  while (i < s.size() && is_blank(s[i])) ++i;
  if (i >= s.size()) return;
  char c = s[i];
  if (!(cls(c) & kSpecial)) {  // a plain scalar: its bytes do not matter here
    sh.value_at = i;
    return;
  }
  if (c == '#') return;
  sh.value_at = i;
  if (c == '"' || c == '\'') {
    size_t e = quoted_end(s, i);
    sh.unsafe = e == npos || !rest_is_empty(s, e);
  } else if (c == '[' || c == '{') {
    size_t e = flow_end(s, i);
    sh.unsafe = e == npos || !rest_is_empty(s, e);
  } else if (c == '|' || c == '>') {
    sh.unsafe = !block_header(s, i);
    sh.block_n = n;
  } else {
    // Anchors, aliases, tags, reserved or misplaced indicators; "-x", "?x"
    // and ":x" are plain scalars.
    sh.unsafe = !((c == '-' || c == '?' || c == ':') && i + 1 < s.size() && !is_blank(s[i + 1]));
  }
}

// One content line: s[indent] is its first byte that is not a space, and is
// neither a tab nor '#'.
inline LineShape shape_of(std::string_view s, size_t indent) {
  LineShape sh;
  size_t i = indent;
  long dash_col = -1;
  while (s[i] == '-' && (i + 1 == s.size() || s[i + 1] == ' ')) {
    sh.dash = true;
    dash_col = static_cast<long>(i);
    ++i;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i == s.size() || s[i] == '#') return sh;  // "- " and a block node below
  }
  char c = s[i];
  if (cls(c) & kSpecial) {
    if (c == '"' || c == '\'') {  // a quoted scalar or a quoted key
      size_t e = quoted_end(s, i);
      if (e == npos) {
        sh.unsafe = true;
        return sh;
      }
      size_t j = e;
      while (j < s.size() && is_blank(s[j])) ++j;
      if (j < s.size() && s[j] == ':' && (j + 1 == s.size() || is_blank(s[j + 1]))) {
        sh.has_key = true;
        value_shape(s, j + 1, static_cast<long>(i), sh);
      } else {
        sh.unsafe = !rest_is_empty(s, e);
      }
      return sh;
    }
    if (c == '|' || c == '>' || c == '[' || c == '{') {  // "- |", "- [a, b]": an entry
      value_shape(s, i, dash_col, sh);
      if ((c == '|' || c == '>') && !sh.dash) sh.unsafe = true;  // a line that is only "|": continuation or error
      return sh;
    }
    // Complex keys, anchors, aliases, tags, a tab after "-"; "-x", "?x" and
    // ":x" start plain scalars.
    if (!((c == '-' || c == '?' || c == ':') && i + 1 < s.size() && !is_blank(s[i + 1]))) {
      sh.unsafe = true;
      return sh;
    }
  }
  // A plain key ends at the first ':' followed by a blank or the end of the line.
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (!(cls(s[j]) & kStop)) continue;
    if (s[j] == ':') {
      if (j + 1 == s.size() || is_blank(s[j + 1])) {
        sh.has_key = sh.plain_key = true;
        sh.key = std::string_view(s.data() + i, j - i);
        value_shape(s, j + 1, static_cast<long>(i), sh);
        return sh;
      }
    } else if (is_blank(s[j - 1])) {
      break;  // a comment
    }
  }
  return sh;  // a plain scalar: an entry, or the continuation of a multi-line scalar
}

// [A-Za-z0-9_][A-Za-z0-9_./-]* directly followed by ':' (the keys of a
// mapping or of metadata the reader follows; anything else is the parser's).
inline bool simple_key(const LineShape& sh) {
  if (!sh.plain_key || !(cls(sh.key[0]) & kKeyStart)) return false;
  for (char c : sh.key)
    if (!(cls(c) & kKey)) return false;
  return true;
}

}  // namespace

// An identity value: one line, plain, or quoted without escapes.
bool FastReader::read_identity(std::string_view s, size_t at, Field& f) {
  if (f.seen || at == npos) return false;
  char c = s[at];
  if (c == '"' || c == '\'') {
    size_t e = quoted_end(s, at);
    f.text = s.substr(at + 1, e - at - 2);
    if (c == '"' && f.text.find('\\') != npos) return false;
    f.single_quoted = c == '\'' && f.text.find('\'') != npos;
  } else {
    if (c == '[' || c == '{' || c == '|' || c == '>' || c == '-' || c == '?' || c == ':') return false;
    std::string_view v = s.substr(at);
    for (size_t j = 1; j < v.size(); ++j) {
      if (v[j] == '#' && is_blank(v[j - 1])) {
        v = v.substr(0, j);
        break;
      }
      if (v[j - 1] == ':' && is_blank(v[j])) return false;  // "a: b: c"
    }
    while (is_blank(v.back())) v.remove_suffix(1);
    if (v.back() == ':' || v == "null" || v == "Null" || v == "NULL" || v == "~") return false;
    f.text = v;
  }
  f.seen = true;
  return true;
}

void FastReader::line(std::string_view s) {
  if (failed_) return;
  size_t ind = 0;
  while (ind < s.size() && s[ind] == ' ') ++ind;
  if (ind == s.size()) return;
  long indent = static_cast<long>(ind);
  if (block_n_ >= 0) {
    if (indent > block_n_) return;
    block_n_ = -1;
  }
  char c0 = s[ind];
  if (c0 == '\t') {
    while (ind < s.size() && is_blank(s[ind])) ++ind;
    failed_ = ind < s.size();  // a line of blanks is blank; a tab as indentation is not followed
    return;
  }
  if (ident_n_ >= 0) {
    if (indent > ident_n_) {
      failed_ = true;  // an identity value continued (or an error the parser should report)
      return;
    }
    if (c0 != '#') ident_n_ = -1;
  }
  if (c0 == '#') return;
  LineShape sh = shape_of(s, ind);
  if (sh.unsafe) {
    failed_ = true;
    return;
  }
  if (sh.block_n >= 0) block_n_ = sh.block_n;
  if (indent == 0) {
    if (sh.dash) {
      failed_ = !top_open_ || in_meta_;  // an entry of a list at the column of its key
      return;
    }
    if (!simple_key(sh)) {
      failed_ = true;
      return;
    }
    any_key_ = true;
    in_meta_ = top_open_ = false;
    if (sh.key == "apiVersion" || sh.key == "kind") {
      failed_ = !read_identity(s, sh.value_at, sh.key == "kind" ? kind_ : api_);
      ident_n_ = 0;
    } else if (sh.key == "metadata") {
      failed_ = seen_meta_ || sh.value_at != npos;  // metadata: {..}, &anchor, !tag are the parser's
      seen_meta_ = in_meta_ = true;
      meta_open_ = false;
    } else {
      top_open_ = sh.value_at == npos;
    }
    return;
  }
  if (!any_key_) {
    failed_ = true;  // the root is not a block mapping at column 0
    return;
  }
  if (in_meta_) line_in_metadata(s, indent, sh);
}

void FastReader::line_in_metadata(std::string_view s, long indent, const LineShape& sh) {
  if (meta_indent_ < 0) meta_indent_ = indent;
  if (indent > meta_indent_) return;  // labels, annotations, ...
  if (indent < meta_indent_) {
    failed_ = true;
    return;
  }
  if (sh.dash) {
    failed_ = !meta_open_;  // an entry of a list at the column of its key (finalizers:, ownerReferences:)
    return;
  }
  if (!simple_key(sh)) {
    failed_ = true;
    return;
  }
  meta_open_ = false;
  if (sh.key == "name" || sh.key == "namespace") {
    failed_ = !read_identity(s, sh.value_at, sh.key == "name" ? name_ : ns_);
    ident_n_ = meta_indent_;
  } else {
    meta_open_ = sh.value_at == npos;
  }
}

bool FastReader::finish(DocInfo& d) const {
  if (failed_ || !api_.seen || !kind_.seen || !name_.seen || kind_.text.empty() || name_.text.empty()) return false;
  auto put = [](const Field& f, std::string& out) {
    if (!f.single_quoted) {
      out.assign(f.text);
      return;
    }
    out.clear();
    for (size_t j = 0; j < f.text.size(); ++j) {
      out.push_back(f.text[j]);
      if (f.text[j] == '\'') ++j;  // '' is one quote
    }
  };
  put(api_, d.api_version);
  put(kind_, d.kind);
  put(name_, d.name);
  put(ns_, d.ns);
  return true;
}

}  // namespace lo::build

// File names for split documents (the rules are in split.hpp). Names are
// compared ignoring ASCII case without making lower-case copies: after
// sanitising, a name holds nothing but [A-Za-z0-9._-].
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "kubectl-lo-build/hash.hpp"
#include "kubectl-lo-build/split.hpp"

namespace lo::build {
namespace {

inline char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

struct FoldHash {
  size_t operator()(std::string_view s) const {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (char c : s) h = (h ^ static_cast<unsigned char>(fold(c))) * 1099511628211ull;
    return static_cast<size_t>(h);
  }
};

struct FoldEq {
  bool operator()(std::string_view a, std::string_view b) const {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (fold(a[i]) != fold(b[i])) return false;
    return true;
  }
};

// Appends `s` with every character outside [A-Za-z0-9._-] replaced by '_'.
void append_sanitized(std::string& out, std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    out.push_back(ok ? c : '_');
  }
}

// <Kind>[.<group>][.<namespace>].<name>, never starting with '.', never too long.
std::string stem_of(const DocInfo& d, const std::string* group) {
  std::string n;
  n.reserve(d.kind.size() + d.ns.size() + d.name.size() + (group ? group->size() + 6 : 0) + 3);
  n.push_back('_');  // dropped below unless needed
  append_sanitized(n, d.kind);
  if (group) {
    n.push_back('.');
    append_sanitized(n, group->empty() ? "core" : *group);
  }
  if (!d.ns.empty()) {
    n.push_back('.');
    append_sanitized(n, d.ns);
  }
  n.push_back('.');
  append_sanitized(n, d.name);
  char first = n[1];
  bool ok_start = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || (first >= '0' && first <= '9') ||
                  first == '_';
  if (ok_start) n.erase(0, 1);
  // 255 bytes is the usual limit for one name; leave room for ".N.yaml" and
  // for the temp-file decoration the writer adds.
  if (n.size() > 200) n = n.substr(0, 180) + "." + sha256_hex(n).substr(0, 16);
  return n;
}

}  // namespace

std::vector<std::string> split_file_names(const std::vector<DocInfo>& docs) {
  std::vector<std::string> names;
  names.reserve(docs.size());
  for (const auto& d : docs) names.push_back(stem_of(d, nullptr));

  std::vector<bool> clash(docs.size());
  {
    std::unordered_map<std::string_view, uint32_t, FoldHash, FoldEq> uses;
    uses.reserve(docs.size() * 2);
    for (const auto& n : names) ++uses[n];
    for (size_t i = 0; i < docs.size(); ++i) clash[i] = uses[names[i]] > 1;
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!clash[i]) continue;
    std::string group = api_group(docs[i].api_version);
    names[i] = stem_of(docs[i], &group);
  }

  std::unordered_set<std::string_view, FoldHash, FoldEq> taken;
  taken.reserve(docs.size() * 2);
  for (auto& n : names) {
    if (taken.insert(n).second) continue;
    std::string base = n;
    for (int k = 2;; ++k) {
      n = base + "." + std::to_string(k);
      if (taken.insert(n).second) break;
    }
  }
  for (auto& n : names) n += ".yaml";  // after the last use of `taken`, which views these strings
  return names;
}

}  // namespace lo::build

// File names for split documents (the rules are in split.hpp). Names are
// compared ignoring ASCII case without making lower-case copies: after
// sanitising, a name holds nothing but [A-Za-z0-9._-].
#include "kubectl-lo-build/hash.hpp"
#include "kubectl-lo-build/split.hpp"
#include "kubectl-lo-build/view_set.hpp"

namespace lo::build {
namespace {

// Appends `s` with every character outside [A-Za-z0-9._-] replaced by '_'.
void append_sanitized(std::string& out, std::string_view s) {
  size_t at = out.size();
  out.resize(at + s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    out[at + i] = ok ? c : '_';
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

std::string base_file_name(const DocInfo& doc) { return stem_of(doc, nullptr) + ".yaml"; }

std::vector<std::string> split_file_names(const std::vector<DocInfo>& docs) {
  std::vector<std::string> names;
  names.reserve(docs.size());
  for (const auto& d : docs) names.push_back(stem_of(d, nullptr));

  // Names used more than once (ignoring case) are all qualified with the group.
  std::vector<size_t> slot(docs.size());
  {
    ViewSet<Case::Ignore> uses(docs.size());
    std::vector<uint32_t> count(uses.slots());
    for (size_t i = 0; i < docs.size(); ++i) ++count[slot[i] = uses.insert(names[i]).first];
    for (size_t i = 0; i < docs.size(); ++i) {
      if (count[slot[i]] < 2) continue;
      std::string group = api_group(docs[i].api_version);
      names[i] = stem_of(docs[i], &group);
    }
  }

  // What still clashes gets .2, .3, ... in document order.
  ViewSet<Case::Ignore> taken(docs.size());
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

#include "apex.hpp"

#include <fstream>
#include <unordered_set>
#include <vector>

namespace lo {
namespace {

struct SuffixList {
  std::unordered_set<std::string> exact, wildcard, exception;
  bool loaded = false;
};

const SuffixList& suffixes() {
  static const SuffixList list = [] {
    SuffixList l;
    std::ifstream in("/usr/share/publicsuffix/public_suffix_list.dat");
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (line.empty() || line.rfind("//", 0) == 0) continue;
      l.loaded = true;
      if (line.rfind("*.", 0) == 0) l.wildcard.insert(line.substr(2));
      else if (line[0] == '!') l.exception.insert(line.substr(1));
      else l.exact.insert(line);
    }
    return l;
  }();
  return list;
}

}  // namespace

std::string apex_of(const std::string& domain) {
  std::vector<size_t> dots;
  for (size_t i = 0; i < domain.size(); ++i)
    if (domain[i] == '.') dots.push_back(i);
  auto suffix_from = [&](size_t label) { return label == 0 ? domain : domain.substr(dots[label - 1] + 1); };
  size_t labels = dots.size() + 1;
  const SuffixList& psl = suffixes();
  if (!psl.loaded) return labels <= 2 ? domain : suffix_from(labels - 2);
  // Find the longest public suffix; the apex is it plus one label.
  for (size_t i = 0; i < labels; ++i) {
    std::string s = suffix_from(i);
    bool is_suffix = psl.exact.count(s) > 0;
    if (!is_suffix && i + 1 < labels && psl.wildcard.count(suffix_from(i + 1)) && !psl.exception.count(s)) is_suffix = true;
    if (is_suffix) return i == 0 ? domain : suffix_from(i - 1);
  }
  return labels <= 2 ? domain : suffix_from(labels - 2);
}

}  // namespace lo

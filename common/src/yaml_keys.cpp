#include "lo/yaml_keys.hpp"

#include <algorithm>

#include "lo/error.hpp"

namespace lo {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                            std::tolower(static_cast<unsigned char>(b[j - 1]))
                        ? 0
                        : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::vector<KeyProblem> check_keys(const YAML::Node& map, const std::vector<std::string>& known) {
  std::vector<KeyProblem> problems;
  if (!map.IsMap()) return problems;
  std::vector<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) {
      problems.push_back({KeyProblem::NotScalar, kv.first, "", ""});
      continue;
    }
    const std::string& key = kv.first.Scalar();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) problems.push_back({KeyProblem::Twice, kv.first, key, ""});
    seen.push_back(key);
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string best;
    size_t best_d = 3;
    for (const auto& k : known) {
      size_t d = edit_distance(key, k);
      if (d < best_d) best_d = d, best = k;
    }
    problems.push_back({KeyProblem::Unknown, kv.first, key, best});
  }
  return problems;
}

std::string key_hint(const KeyProblem& p, const std::string& what, const std::vector<std::string>& known) {
  std::string list = what + ": " + join(known);
  return p.closest.empty() ? list : "did you mean '" + p.closest + "'? " + list;
}

}  // namespace lo

// Label selectors (a=b, a!=b, a in (x,y), a notin (x), a, !a) and field
// selectors (metadata.name=x, metadata.namespace!=y, any dotted field path).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace lotest {

class Selector {
 public:
  // Both throw ApiError 400 on syntax errors.
  static Selector labels(const std::string& text);
  static Selector fields(const std::string& text);

  bool matches(const nlohmann::json& obj) const;
  bool empty() const { return reqs_.empty(); }

 private:
  enum class Op { Eq, NotEq, In, NotIn, Exists, NotExists };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  const nlohmann::json* valueOf(const nlohmann::json& obj, const std::string& key) const;

  std::vector<Requirement> reqs_;
  bool onFields_ = false;
};

}  // namespace lotest

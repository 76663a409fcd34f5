// A value lo substitutes into a driver template (Capi, KubeOne) lands in YAML
// text between quotes or as a bare number: one with a quote, a backslash or
// a control character could break out of it, so such a value is refused.
#pragma once

#include <algorithm>
#include <string>

namespace lo::driver {

inline bool safe_template_value(const std::string& v) {
  return std::none_of(v.begin(), v.end(), [](char c) {
    return c == '"' || c == '\\' || c == '\'' || static_cast<unsigned char>(c) < 0x20;
  });
}

}  // namespace lo::driver

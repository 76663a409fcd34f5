// Reading every document of a YAML stream without hanging on bad input.
//
// yaml-cpp 0.7 (Debian bookworm) loops forever in YAML::LoadAll, taking
// more memory on every turn, when a document starts with a token its parser
// does not consume, such as a line starting with ',' (jbeder/yaml-cpp#1040,
// fixed upstream after 0.8 by #1319). load_all first walks the stream's
// documents with yaml-cpp's own parser and stops where a document would
// start at the same place as the one before, then loads them.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace lo {

// Like YAML::LoadAll; throws YAML::ParserException (with the position)
// where yaml-cpp cannot read on.
std::vector<YAML::Node> load_all(const std::string& text);

}  // namespace lo

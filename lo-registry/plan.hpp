#pragma once
#include <string>
#include <vector>

namespace lo::registry {
int plan(const std::vector<std::string>& args);
}

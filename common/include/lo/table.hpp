// Plain text tables as kubectl prints them: columns left-aligned, three
// spaces apart, the last column not padded.
#pragma once

#include <string>
#include <vector>

namespace lo {

// One line per row, each ending with a newline.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace lo

// Line diffs in the unified format of `diff -u` (GNU), written here so that
// `kubectl lo diff` runs no external program.
//
// The edit script is Myers' O((N+M)D) shortest one after the common head and
// tail are taken off. When the two sides differ in more than `max_edits`
// lines the middle is shown as removed and added as a whole: still a correct
// diff, only not the shortest, and bounded in time and memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lo {

struct LineEdit {
  enum class Op { Keep, Remove, Add };
  Op op;
  size_t from;  // line index in the old text (Keep, Remove)
  size_t to;    // line index in the new text (Keep, Add)
};

// The edit script turning `a` into `b`.
std::vector<LineEdit> diff_lines(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                                 size_t max_edits = 4000);

struct DiffCounts {
  size_t removed = 0;
  size_t added = 0;
};

// "--- from_label\n+++ to_label\n@@ -l,n +l,n @@\n..." with `context` lines
// around each change; "" when the texts are equal. A last line without a
// newline is followed by "\ No newline at end of file".
std::string unified_diff(std::string_view a, std::string_view b, const std::string& from_label,
                         const std::string& to_label, size_t context = 3, DiffCounts* counts = nullptr);

}  // namespace lo

#include "lo/unified_diff.hpp"

#include <algorithm>
#include <unordered_map>

namespace lo {
namespace {

// Myers' greedy forward search over interned lines; `trace[d]` keeps V for
// the diagonals -d..d after step d, which is all the backtrack needs.
// Returns false when more than `max_d` edits are needed.
bool myers(const std::vector<int>& a, const std::vector<int>& b, size_t max_d, std::vector<LineEdit>& out,
           size_t a0, size_t b0) {
  const long n = static_cast<long>(a.size()), m = static_cast<long>(b.size());
  const long max = std::min<long>(n + m, static_cast<long>(max_d));
  std::vector<long> v(static_cast<size_t>(2 * (n + m) + 3), 0);
  const long off = n + m + 1;
  std::vector<std::vector<long>> trace;
  long found = -1;
  for (long d = 0; d <= max && found < 0; ++d) {
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
      long y = x - k;
      while (x < n && y < m && a[static_cast<size_t>(x)] == b[static_cast<size_t>(y)]) ++x, ++y;
      v[off + k] = x;
      if (x >= n && y >= m) found = d;
    }
    trace.emplace_back(v.begin() + (off - d), v.begin() + (off + d + 1));
  }
  if (found < 0) return false;

  std::vector<LineEdit> rev;
  long x = n, y = m;
  for (long d = found; d > 0; --d) {
    const std::vector<long>& prev = trace[static_cast<size_t>(d - 1)];
    auto at = [&](long k) { return prev[static_cast<size_t>(k + d - 1)]; };
    long k = x - y;
    long pk = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
    long px = at(pk), py = px - pk;
    for (; x > px && y > py; --x, --y)
      rev.push_back({LineEdit::Op::Keep, a0 + static_cast<size_t>(x - 1), b0 + static_cast<size_t>(y - 1)});
    if (x == px)
      rev.push_back({LineEdit::Op::Add, a0 + static_cast<size_t>(x), b0 + static_cast<size_t>(py)});
    else
      rev.push_back({LineEdit::Op::Remove, a0 + static_cast<size_t>(px), b0 + static_cast<size_t>(y)});
    x = px;
    y = py;
  }
  for (; x > 0 && y > 0; --x, --y)
    rev.push_back({LineEdit::Op::Keep, a0 + static_cast<size_t>(x - 1), b0 + static_cast<size_t>(y - 1)});
  out.insert(out.end(), rev.rbegin(), rev.rend());
  return true;
}

struct Line {
  std::string_view text;
  bool newline = true;
};

std::vector<Line> split(std::string_view s) {
  std::vector<Line> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      out.push_back({s.substr(start), false});
      break;
    }
    out.push_back({s.substr(start, nl - start), true});
    start = nl + 1;
  }
  return out;
}

// GNU's range: "l" for one line, "l,n" otherwise, the line before for none.
std::string range(size_t first, size_t count) {
  if (count == 1) return std::to_string(first + 1);
  return std::to_string(count == 0 ? first : first + 1) + "," + std::to_string(count);
}

}  // namespace

std::vector<LineEdit> diff_lines(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                                 size_t max_edits) {
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;

  std::vector<LineEdit> out;
  for (size_t i = 0; i < head; ++i) out.push_back({LineEdit::Op::Keep, i, i});
  std::unordered_map<std::string_view, int> ids;
  auto intern = [&](std::string_view s) { return ids.emplace(s, static_cast<int>(ids.size())).first->second; };
  std::vector<int> ma, mb;
  for (size_t i = head; i < a.size() - tail; ++i) ma.push_back(intern(a[i]));
  for (size_t i = head; i < b.size() - tail; ++i) mb.push_back(intern(b[i]));
  if (!myers(ma, mb, max_edits, out, head, head)) {
    for (size_t i = 0; i < ma.size(); ++i) out.push_back({LineEdit::Op::Remove, head + i, head});
    for (size_t i = 0; i < mb.size(); ++i) out.push_back({LineEdit::Op::Add, head + ma.size(), head + i});
  }
  for (size_t i = 0; i < tail; ++i)
    out.push_back({LineEdit::Op::Keep, a.size() - tail + i, b.size() - tail + i});
  return out;
}

std::string unified_diff(std::string_view a, std::string_view b, const std::string& from_label,
                         const std::string& to_label, size_t context, DiffCounts* counts) {
  std::vector<Line> la = split(a), lb = split(b);
  // A last line without its newline differs from the same text with one.
  std::string a_last, b_last;
  auto views = [](const std::vector<Line>& lines, std::string& last) {
    std::vector<std::string_view> v;
    for (const auto& l : lines) {
      if (l.newline) {
        v.push_back(l.text);
      } else {  // only ever the last line
        last = std::string(l.text) + "\n\\";
        v.push_back(last);
      }
    }
    return v;
  };
  std::vector<std::string_view> va = views(la, a_last), vb = views(lb, b_last);
  std::vector<LineEdit> edits = diff_lines(va, vb);
  DiffCounts local;
  for (const auto& e : edits) {
    if (e.op == LineEdit::Op::Remove) ++local.removed;
    if (e.op == LineEdit::Op::Add) ++local.added;
  }
  if (counts) *counts = local;
  if (local.removed == 0 && local.added == 0) return "";

  std::string out = "--- " + from_label + "\n+++ " + to_label + "\n";
  auto emit = [&](char sign, const Line& l) {
    out += sign;
    out.append(l.text.data(), l.text.size());
    out += '\n';
    if (!l.newline) out += "\\ No newline at end of file\n";
  };
  size_t i = 0;
  const size_t n = edits.size();
  while (i < n) {
    while (i < n && edits[i].op == LineEdit::Op::Keep) ++i;
    if (i == n) break;
    // A hunk: `context` kept lines before, changes joined while the kept
    // lines between them are at most 2 * context, `context` after.
    size_t start = i >= context ? i - context : 0;
    size_t end = i;
    for (;;) {
      while (end < n && edits[end].op != LineEdit::Op::Keep) ++end;
      size_t keep = end;
      while (keep < n && edits[keep].op == LineEdit::Op::Keep) ++keep;
      if (keep < n && keep - end <= 2 * context) {
        end = keep;
        continue;
      }
      end = std::min(n, end + context);
      break;
    }
    size_t a_first = edits[start].from, b_first = edits[start].to, a_count = 0, b_count = 0;
    for (size_t j = start; j < end; ++j) {
      if (edits[j].op != LineEdit::Op::Add) ++a_count;
      if (edits[j].op != LineEdit::Op::Remove) ++b_count;
    }
    out += "@@ -" + range(a_first, a_count) + " +" + range(b_first, b_count) + " @@\n";
    for (size_t j = start; j < end; ++j) {
      const LineEdit& e = edits[j];
      if (e.op == LineEdit::Op::Keep) emit(' ', la[e.from]);
      else if (e.op == LineEdit::Op::Remove) emit('-', la[e.from]);
      else emit('+', lb[e.to]);
    }
    i = end;
  }
  return out;
}

}  // namespace lo

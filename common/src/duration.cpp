#include "lo/duration.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace lo {

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  bool plain = std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
  if (plain) {
    if (text.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stol(text));
  }
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == start || i - start > 9) return std::nullopt;
    std::string number = text.substr(start, i - start);
    if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") return std::nullopt;
    double n = std::stod(number);
    size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(ustart, i - ustart);
    if (unit == "ms") total_ms += n;
    else if (unit == "s") total_ms += n * 1000;
    else if (unit == "m") total_ms += n * 60000;
    else if (unit == "h") total_ms += n * 3600000;
    else return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<long long>(total_ms));
}

std::string format_duration(std::chrono::milliseconds d) {
  long long ms = std::max<long long>(0, d.count());
  if (ms == 0) return "0s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  long long h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, rest = ms % 1000;
  std::string out;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s || rest) {
    out += std::to_string(s);
    if (rest) {
      std::string frac = std::to_string(1000 + rest).substr(1);  // three digits
      while (frac.back() == '0') frac.pop_back();
      out += "." + frac;
    }
    out += "s";
  }
  return out;
}

std::string format_seconds(std::chrono::duration<double> d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", d.count());
  return buf;
}

}  // namespace lo

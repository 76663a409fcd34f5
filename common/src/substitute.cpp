#include "lo/substitute.hpp"

#include <cstring>

namespace lo {
namespace {

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

}  // namespace

std::string substitute(std::string_view text, const SubstLookup& lookup) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  size_t pos = 0;
  const char* base = text.data();
  while (pos < text.size()) {
    const void* hit = std::memchr(base + pos, '$', text.size() - pos);
    if (!hit) break;
    size_t dollar = static_cast<size_t>(static_cast<const char*>(hit) - base);
    out.append(text.substr(pos, dollar - pos));
    size_t i = dollar + 1;
    bool braced = i < text.size() && text[i] == '{';
    if (braced) ++i;
    size_t name_begin = i;
    if (i < text.size() && name_start(text[i])) {
      ++i;
      while (i < text.size() && name_char(text[i])) ++i;
    }
    std::string_view name = text.substr(name_begin, i - name_begin);
    bool well_formed = !name.empty() && (!braced || (i < text.size() && text[i] == '}'));
    size_t end = braced && well_formed ? i + 1 : i;
    if (well_formed) {
      if (const std::string* value = lookup(name)) {
        out.append(*value);
        pos = end;
        continue;
      }
    }
    // Not ours (or unset): copy the '$' alone and rescan from the next byte,
    // so "$$NAME" still substitutes its second half, as GNU does.
    out.push_back('$');
    pos = dollar + 1;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace lo

// A set of string views (the strings live elsewhere and must outlive it)
// for thousands of file names: open addressing in one array, no allocation
// per name. Equality and hashing are exact, or ignore ASCII case (file names
// that only differ in case cannot live side by side on some disks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace lo::build {

enum class Case { Exact, Ignore };

template <Case C>
class ViewSet {
 public:
  // Room for `n` names without growing.
  explicit ViewSet(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n + 2) cap *= 2;
    slots_.resize(cap);
  }

  // The slot of `s`, and whether it was added (false: an equal name was
  // there already).
  std::pair<size_t, bool> insert(std::string_view s) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    size_t i = find(s);
    if (slots_[i].data()) return {i, false};
    slots_[i] = s.data() ? s : std::string_view("", 0);
    ++size_;
    return {i, true};
  }

  bool contains(std::string_view s) const { return slots_[find(s)].data() != nullptr; }

  size_t slots() const { return slots_.size(); }

 private:
  static char fold(char c) { return C == Case::Ignore && c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

  static uint64_t hash(std::string_view s) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (char c : s) h = (h ^ static_cast<unsigned char>(fold(c))) * 1099511628211ull;
    return h ^ (h >> 29);
  }

  static bool equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (fold(a[i]) != fold(b[i])) return false;
    return true;
  }

  // The slot holding `s`, or the empty slot where it would go.
  size_t find(std::string_view s) const {
    size_t mask = slots_.size() - 1;
    for (size_t i = hash(s) & mask;; i = (i + 1) & mask)
      if (!slots_[i].data() || equal(slots_[i], s)) return i;
  }

  void grow() {
    std::vector<std::string_view> old = std::move(slots_);
    slots_.assign(old.size() * 2, std::string_view());
    for (auto s : old)
      if (s.data()) slots_[find(s)] = s;
  }

  std::vector<std::string_view> slots_;  // a null data(): empty
  size_t size_ = 0;
};

}  // namespace lo::build

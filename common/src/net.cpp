#include "lo/net.hpp"

namespace lo {

std::string Ipv4::str() const {
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 255) + "." +
         std::to_string((value >> 8) & 255) + "." + std::to_string(value & 255);
}

std::optional<Ipv4> parse_ipv4(const std::string& text) {
  uint32_t out = 0;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
    size_t start = i;
    uint32_t octet = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3) {
      octet = octet * 10 + static_cast<uint32_t>(text[i] - '0');
      ++i;
    }
    size_t len = i - start;
    if (len == 0 || octet > 255) return std::nullopt;
    if (len > 1 && text[start] == '0') return std::nullopt;  // no octal look-alikes
    out = (out << 8) | octet;
  }
  if (i != text.size()) return std::nullopt;
  return Ipv4{out};
}

static uint32_t mask_of(int prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

std::string Cidr::str() const { return address.str() + "/" + std::to_string(prefix); }
Ipv4 Cidr::network() const { return Ipv4{address.value & mask_of(prefix)}; }
Ipv4 Cidr::broadcast() const { return Ipv4{network().value | ~mask_of(prefix)}; }
bool Cidr::contains(Ipv4 ip) const { return (ip.value & mask_of(prefix)) == network().value; }

std::optional<Cidr> parse_cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto ip = parse_ipv4(text.substr(0, slash));
  std::string p = text.substr(slash + 1);
  if (!ip || p.empty() || p.size() > 2) return std::nullopt;
  for (char c : p)
    if (c < '0' || c > '9') return std::nullopt;
  if (p.size() > 1 && p[0] == '0') return std::nullopt;
  int prefix = std::stoi(p);
  if (prefix > 32) return std::nullopt;
  return Cidr{*ip, prefix};
}

std::optional<Ipv4> ip_add(Ipv4 ip, uint64_t n) {
  uint64_t v = uint64_t{ip.value} + n;
  if (v > 0xffffffffull) return std::nullopt;
  return Ipv4{static_cast<uint32_t>(v)};
}

std::string IpRange::str() const { return first.str() + "-" + last.str(); }

std::optional<IpRange> parse_ip_range(const std::string& text) {
  auto dash = text.find('-');
  if (dash == std::string::npos || text.find('-', dash + 1) != std::string::npos) return std::nullopt;
  auto a = parse_ipv4(text.substr(0, dash));
  auto b = parse_ipv4(text.substr(dash + 1));
  if (!a || !b) return std::nullopt;
  return IpRange{*a, *b};
}

}  // namespace lo

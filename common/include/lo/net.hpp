// IPv4 arithmetic for networks, registry addresses and load-balancer pools.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lo {

struct Ipv4 {
  uint32_t value = 0;
  std::string str() const;
  bool operator==(const Ipv4&) const = default;
  auto operator<=>(const Ipv4&) const = default;
};

// Strict dotted quad: four decimal octets 0..255, no leading zeros, no spaces.
std::optional<Ipv4> parse_ipv4(const std::string& text);

struct Cidr {
  Ipv4 address;   // as written (may have host bits set)
  int prefix = 0; // 0..32
  std::string str() const;
  Ipv4 network() const;    // address with host bits cleared
  Ipv4 broadcast() const;  // last address of the block
  bool contains(Ipv4 ip) const;
  bool operator==(const Cidr&) const = default;
};

// "a.b.c.d/n" with n in 0..32.
std::optional<Cidr> parse_cidr(const std::string& text);

// Adds `n` to an address; nullopt when it would pass 255.255.255.255.
std::optional<Ipv4> ip_add(Ipv4 ip, uint64_t n);

struct IpRange {
  Ipv4 first, last;
  std::string str() const;  // "a-b"
  bool contains(Ipv4 ip) const { return first <= ip && ip <= last; }
};

// "a-b" (two addresses, first <= last is NOT checked here).
std::optional<IpRange> parse_ip_range(const std::string& text);

}  // namespace lo

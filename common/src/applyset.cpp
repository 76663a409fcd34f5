#include "lo/applyset.hpp"

#include <cctype>
#include <sstream>

#include "lo/kubeconfig.hpp"  // base64_encode
#include "lo/sha256.hpp"
#include "lo/version.hpp"

namespace lo::applyset {
namespace {

std::string base64url_unpadded(const std::string& bytes) {
  std::string s = base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (auto& c : s) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return s;
}

std::set<std::string> split_commas(const std::string& value) {
  std::set<std::string> out;
  std::stringstream ss(value);
  for (std::string part; std::getline(ss, part, ',');)
    if (!part.empty()) out.insert(part);
  return out;
}

bool dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s)
    if (!alnum(c) && c != '-') return false;
  return true;
}

// Lowercase; anything but [a-z0-9.-] becomes '-'; labels lose leading and
// trailing '-' and empty labels disappear.
std::string cleaned(const std::string& s) {
  std::string out, label;
  auto flush = [&] {
    while (!label.empty() && label.front() == '-') label.erase(label.begin());
    while (!label.empty() && label.back() == '-') label.pop_back();
    if (label.size() > 63) label.resize(63);
    while (!label.empty() && label.back() == '-') label.pop_back();
    if (!label.empty()) out += (out.empty() ? "" : ".") + label;
    label.clear();
  };
  for (char c : s) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l == '.') flush();
    else label += ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) ? l : '-';
  }
  flush();
  return out;
}

}  // namespace

std::string set_id(const std::string& name, const std::string& ns, const std::string& kind, const std::string& group) {
  std::string gknn = name + "." + ns + "." + kind + "." + group;
  return "applyset-" + base64url_unpadded(Sha256().update(gknn).digest()) + "-v1";
}

GroupKind parse_group_kind(const std::string& text) {
  auto dot = text.find('.');
  if (dot == std::string::npos) return GroupKind{"", text};
  return GroupKind{text.substr(dot + 1), text.substr(0, dot)};
}

std::string format_group_kinds(const std::set<GroupKind>& kinds) {
  std::string out;
  for (const auto& gk : kinds) out += (out.empty() ? "" : ",") + gk.str();
  return out;
}

std::set<GroupKind> parse_group_kinds(const std::string& value) {
  std::set<GroupKind> out;
  for (const auto& part : split_commas(value)) out.insert(parse_group_kind(part));
  return out;
}

std::string format_namespaces(const std::set<std::string>& namespaces, const std::string& own) {
  std::string out;
  for (const auto& ns : namespaces)
    if (!ns.empty() && ns != own) out += (out.empty() ? "" : ",") + ns;
  return out;
}

std::set<std::string> parse_namespaces(const std::string& value) { return split_commas(value); }

std::string tooling_name(const std::string& tooling) {
  auto slash = tooling.rfind('/');
  return slash == std::string::npos ? tooling : tooling.substr(0, slash);
}

std::string tooling_value() { return std::string(kToolName) + "/v" + kVersion; }

bool dns_subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  std::stringstream ss(s);
  size_t labels = 0;
  for (std::string label; std::getline(ss, label, '.'); ++labels)
    if (!dns_label(label)) return false;
  return labels > 0 && s.back() != '.';
}

std::string parent_name(const std::string& domain, const std::string& target) {
  std::string plain = "lo." + domain + "." + target;
  if (dns_subdomain(plain)) return plain;
  std::string hash = sha256_hex(domain + "/" + target).substr(0, 10);
  std::string base = cleaned(plain);
  if (base.size() > 240) base.resize(240);
  auto last = base.rfind('.');
  size_t label_start = last == std::string::npos ? 0 : last + 1;
  if (base.size() - label_start > 52) base.resize(label_start + 52);  // room for "-<hash>"
  while (!base.empty() && (base.back() == '-' || base.back() == '.')) base.pop_back();
  return base + "-" + hash;
}

}  // namespace lo::applyset

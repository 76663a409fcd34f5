// kubectl lo kubehz fingerprint [DOMAIN]: the MD5 fingerprint of the
// cluster's SSH public key, the one the kubehz dashboard's Claim page asks for
// (and Hetzner Cloud shows for its SSH keys): ssh-keygen -E md5 -lf's
// fingerprint without its "MD5:" prefix.
//
// The key: --key FILE, else access[0].publicKey of the provider's inventory
// (clusters/<domain>/.provider/inventory.json, then .kubeone/inventory.json;
// a file path or the key itself), else spec.ssh.publicKeyFile or
// spec.hcloud.sshPublicKeyFile.
#include <openssl/evp.h>

#include <cstdlib>
#include <iostream>

#include "commands.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/kubeconfig.hpp"
#include "lo/spec.hpp"
#include "lo/workspace.hpp"

namespace lo::cmd {
namespace fs = std::filesystem;

namespace {

// "aa:bb:..." of an OpenSSH public key line; `from` names it in errors.
std::string md5_fingerprint(const std::string& text, const std::string& from) {
  if (text.find("PRIVATE KEY") != std::string::npos)
    throw Error(from + " is a private key", "give the public key (the .pub file beside it)");
  std::string line = text.substr(0, text.find('\n'));
  auto sp = line.find(' ');
  std::string type = line.substr(0, sp);
  std::string b64 = sp == std::string::npos ? "" : line.substr(sp + 1);
  b64 = b64.substr(0, b64.find(' '));
  auto blob = base64_decode(b64);
  // The key blob starts with its type as an SSH string (uint32 length + name).
  bool ok = blob && blob->size() > 4 + type.size() && !type.empty();
  if (ok) {
    const auto* b = reinterpret_cast<const unsigned char*>(blob->data());
    size_t n = (size_t(b[0]) << 24) | (size_t(b[1]) << 16) | (size_t(b[2]) << 8) | b[3];
    ok = n == type.size() && blob->compare(4, n, type) == 0;
  }
  if (!ok)
    throw Error(from + " is not an OpenSSH public key", "a line like 'ssh-ed25519 AAAAC3Nza... comment' (ssh-keygen writes it to the .pub file)");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(blob->data(), blob->size(), md, &len, EVP_md5(), nullptr) != 1)
    throw Error("MD5 is not available in this OpenSSL");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    if (i) out += ':';
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string read_key(const fs::path& file, const std::string& from) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw Error(from + ": no such file: " + file.string());
  return read_file(file, 64 << 10);
}

// The key's text and where it came from.
std::pair<std::string, std::string> find_key(const Workspace& ws, const LoadedDomain& d) {
  fs::path dir = ws.domain_dir(d.ref.name);
  for (const char* rel : {".provider/inventory.json", ".kubeone/inventory.json"}) {
    fs::path inv = dir / rel;
    std::error_code ec;
    if (!fs::exists(inv, ec)) continue;
    std::string shown = ws.show(inv);
    Json j = Json::parse(read_file(inv, 16 << 20), nullptr, false);
    if (!j.is_object() || !j.contains("access") || !j["access"].is_array() || j["access"].empty() ||
        !j["access"][0].is_object() || !j["access"][0].contains("publicKey") || !j["access"][0]["publicKey"].is_string())
      continue;
    std::string k = j["access"][0]["publicKey"].get<std::string>();
    if (k.rfind("ssh-", 0) == 0 || k.rfind("ecdsa-", 0) == 0) return {k, shown + ": access[0].publicKey"};
    fs::path f = user_path(k, dir);
    return {read_key(f, shown + ": access[0].publicKey"), ws.show(f)};
  }
  const Spec& s = d.spec;
  for (const auto& [block, key] : {std::pair{&s.ssh, "publicKeyFile"}, std::pair{&s.hcloud, "sshPublicKeyFile"}}) {
    if (!*block || !(*block)->is_object() || !(*block)->contains(key) || !(**block)[key].is_string()) continue;
    std::string field = std::string(block == &s.ssh ? "spec.ssh." : "spec.hcloud.") + key;
    fs::path f = user_path((**block)[key].get<std::string>(), dir);
    return {read_key(f, s.file + ": " + field), ws.show(f)};
  }
  throw Error("no SSH public key for " + d.ref.name,
              "give one with --key FILE, or provision the domain first (its provider's inventory names the key), "
              "or set spec.ssh.publicKeyFile");
}

int kubehz(const cli::Args& a) {
  auto words = a.positionals();
  if (words.empty() || words.front() != "fingerprint")
    throw UsageError(words.empty() ? "kubectl lo kubehz needs a verb: fingerprint" : "unknown kubehz verb \"" + words.front() + "\"",
                     "see 'kubectl lo kubehz --help'");
  words.erase(words.begin());
  if (a.has("key")) {
    if (words.size() > 1) throw UsageError("kubehz fingerprint takes at most one DOMAIN");
    std::string f = *a.get("key");
    std::cout << md5_fingerprint(read_key(f, f), f) << "\n";
    return kExitOk;
  }
  Workspace ws = find_workspace(a.get("root"));
  DomainChoice choice = choose_domain(ws, a.get("domain"), words, false);
  if (!choice.rest.empty()) throw UsageError("kubehz fingerprint takes at most one DOMAIN");
  LoadedDomain d = load_domain(ws, choice.domain);
  auto [text, from] = find_key(ws, d);
  std::cout << md5_fingerprint(text, from) << "\n";
  return kExitOk;
}

constexpr const char* kAbout =
    "Print the MD5 fingerprint of the cluster's SSH public key: what the kubehz dashboard's\n"
    "Claim page asks for, as Hetzner Cloud shows it (ssh-keygen -E md5 -lf shows the same\n"
    "after 'MD5:'). The key is --key FILE, else access[0].publicKey of the provider's\n"
    "inventory (clusters/<domain>/.provider/inventory.json, .kubeone/inventory.json),\n"
    "else spec.ssh.publicKeyFile or spec.hcloud.sshPublicKeyFile.";

const cli::Verb kVerbs[] = {
    {"fingerprint", "the MD5 fingerprint of the cluster's SSH public key, for the Claim page"},
};

}  // namespace

const cli::Command kubehz_command{
    .name = "kubehz",
    .summary = "kubehz dashboard helpers: the cluster's claim fingerprint",
    .usage = "fingerprint [DOMAIN] [--key FILE]",
    .about = kAbout,
    .flags =
        [](cli::Options& o) {
          cli::domain_flag(o);
          o.add_options()("key", cli::text("FILE", cli::Complete::File), "an OpenSSH public key file (.pub) instead of the cluster's");
        },
    .run = kubehz,
    .words = cli::Words::VerbThenDomain,
    .verbs = kVerbs,
};

}  // namespace lo::cmd

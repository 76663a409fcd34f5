// kubectl lo kubehz fingerprint [DOMAIN]: the MD5 fingerprint of the
// cluster's SSH public key, the one the kubehz dashboard's Claim page asks for
// (and Hetzner Cloud shows for its SSH keys): ssh-keygen -E md5 -lf's
// fingerprint without its "MD5:" prefix.
//
// The key: --key FILE, else access[0].publicKey of the provider's inventory
// (clusters/<domain>/.provider/inventory.json, then .kubeone/inventory.json;
// a file path or the key itself), else spec.ssh.publicKeyFile or
// spec.hcloud.sshPublicKeyFile.
#include <iostream>

#include "commands.hpp"
#include "kubehz.hpp"
#include "lo/error.hpp"
#include "lo/spec.hpp"
#include "lo/workspace.hpp"

namespace lo::cmd {

namespace {

using kubehz::md5_fingerprint;
using kubehz::read_key;

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
  auto [text, from] = kubehz::cluster_key(ws, d);
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

// kubehz: the dashboard a cluster can register with (spec.kubehz.access:
// registered or managed), and the MD5 fingerprint of the cluster's SSH
// public key by which its owner claims it there.
//
// The kubehz API as lo uses it (the upstream lok8s scripts' calls):
//
//   POST   <apiUrl>/api/clusters/register   {"domain": D, "fingerprint": F}
//          no credentials: the cluster is registered as pending; the owner
//          proves it on the dashboard's Claim page (F and their Hetzner Cloud
//          token). 200/201 {"domain", "fingerprint", "state"}.
//   DELETE <apiUrl>/api/clusters?domain=D   Authorization: Bearer $KUBEHZ_TOKEN
//          200/204; 404 when kubehz does not know D.
//
// KUBEHZ_CA_CERT names the PEM file of a private CA for the API. Neither
// call ever fails the command: an error is a warning.
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "driver.hpp"

namespace lo::kubehz {

// "aa:bb:..." of an OpenSSH public key line (ssh-keygen -E md5 -lf without
// "MD5:"); `from` names the key in errors.
std::string md5_fingerprint(const std::string& text, const std::string& from);
// A key file's text; `from` names it in errors.
std::string read_key(const std::filesystem::path& file, const std::string& from);
// The cluster's key (its text, where it came from): access[0].publicKey of
// the provider's inventory (.provider/inventory.json, then
// .kubeone/inventory.json), else spec.ssh.publicKeyFile or
// spec.hcloud.sshPublicKeyFile. Throws lo::Error when there is none.
std::pair<std::string, std::string> cluster_key(const Workspace& ws, const LoadedDomain& d);

// spec.kubehz.access is registered or managed.
bool registers(const Spec& s);

// Provision's step after post_provision: registers the cluster as pending
// and prints the fingerprint for the Claim page. Warns, never throws, when
// kubehz or the key fail.
void register_cluster(const driver::Context& c);
// Destroy's step before the driver's destroy. Warns, never throws.
void deregister_cluster(const driver::Context& c);

}  // namespace lo::kubehz

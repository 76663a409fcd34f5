// Reaching a remote machine (a --remote Lo VM) with OpenSSH: argv vectors
// for ssh and rsync's remote shell, POSIX quoting of the words a remote
// shell parses, and the Kubernetes API tunnel (`ssh -N -L` behind a control
// socket, so it can be checked and stopped without a pid) with the
// kubeconfig rewrite that points the cluster at the local end.
//
// Every ssh of lo runs non-interactively (BatchMode) with the domain's own
// known_hosts file (clusters/<domain>/.remote/known_hosts; a new VM's key is
// accepted once, a changed one refused), the VM's port and, when the
// provider names one, its private key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lo/runner.hpp"
#include "lo/workspace.hpp"

namespace lo::ssh {

struct Target {
  std::string user, host, port = "22";
  std::string key;                          // private key file; empty: ssh's defaults
  std::filesystem::path state;              // clusters/<domain>/.remote/
  std::string destination() const { return user + "@" + host; }
  // DOCKER_HOST for the VM's Docker daemon: ssh://user@host:port.
  std::string docker_host() const;
  std::filesystem::path control_socket() const { return state / "tunnel.sock"; }
};

// clusters/<domain>/.remote/: what lo keeps about the domain's VM.
std::filesystem::path state_dir(const Workspace& ws, const std::string& domain);

// "USER@HOST[:PORT]" (lo-kind's --tunnel); throws lo::UsageError naming `flag`.
Target parse_destination(const std::string& text, const std::string& flag);
// Refuses a user or host that ssh could read as an option or that holds
// characters no address has; `where` names their source for the error.
void check_address(const std::string& user, const std::string& host, const std::string& where);

// A word as a POSIX shell reads it back: itself when it is safe, else
// single-quoted.
std::string quote(const std::string& word);

// ssh with lo's options, without a destination: for rsync's -e as well.
std::vector<std::string> options(const Target& t);
// ssh ... -- user@host <words>: the words quoted for the remote shell.
std::vector<std::string> command(const Target& t, const std::vector<std::string>& words);
// The value of rsync's -e: options() as one line (rsync splits it itself).
std::string rsync_shell(const Target& t);

// The API tunnel: local 127.0.0.1:<port> to <api_host>:<port> seen from the VM.
std::vector<std::string> tunnel_start(const Target& t, const std::string& port, const std::string& api_host);
std::vector<std::string> tunnel_check(const Target& t);
std::vector<std::string> tunnel_stop(const Target& t);

// A kubeconfig whose clusters' servers go through the tunnel: every
// `server:` becomes https://127.0.0.1:<port> (the port kept). `port` and
// `api_host` are those of the first server. Throws lo::Error naming `shown`
// when there is no server or it is not a URL.
struct Tunnelled {
  std::string kubeconfig, port, api_host;
};
Tunnelled tunnel_kubeconfig(const std::string& kubeconfig, const std::string& shown);

// Starts the tunnel unless its control socket answers (a step of `run`).
void ensure_tunnel(Runner& run, const Target& t, const std::string& port, const std::string& api_host);
// Stops it when its control socket answers (a step of `run`).
void stop_tunnel(Runner& run, const Target& t);

}  // namespace lo::ssh

#include "lo/ssh.hpp"

#include <regex>
#include <sstream>

#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/kubeconfig.hpp"

namespace lo::ssh {
namespace fs = std::filesystem;

std::string Target::docker_host() const { return "ssh://" + destination() + ":" + port; }

fs::path state_dir(const Workspace& ws, const std::string& domain) { return ws.domain_dir(domain) / ".remote"; }

void check_address(const std::string& user, const std::string& host, const std::string& where) {
  // <word>: a dry run's placeholder for what the provider has not made yet
  static const std::regex user_re("[a-z_][a-zA-Z0-9_.-]*|<[a-z_]+>");
  static const std::regex host_re("[a-zA-Z0-9][a-zA-Z0-9.:-]*|<[a-z_]+>");
  if (!std::regex_match(user, user_re))
    throw Error(where + ": ssh user '" + user + "' is not a user name", "a user name starts with a letter or _ (root, ubuntu)");
  if (!std::regex_match(host, host_re))
    throw Error(where + ": '" + host + "' is not a host address", "an IPv4/IPv6 address or a host name");
}

Target parse_destination(const std::string& text, const std::string& flag) {
  static const std::regex re("([^@]+)@([^@:]+)(?::([0-9]{1,5}|<[a-z_]+>))?");
  std::smatch m;
  if (!std::regex_match(text, m, re))
    throw UsageError("invalid " + flag + " '" + text + "'", "give USER@HOST or USER@HOST:PORT");
  Target t;
  t.user = m[1];
  t.host = m[2];
  if (m[3].matched) t.port = m[3];
  try {
    check_address(t.user, t.host, flag);
  } catch (const Error& e) {
    throw UsageError(e.what(), "give USER@HOST or USER@HOST:PORT");
  }
  return t;
}

std::string quote(const std::string& word) {
  // <word> is a dry run's placeholder, shown as it is
  static const std::regex safe("[A-Za-z0-9_@%+=:,./-]+|<[a-zA-Z_]+>");
  if (std::regex_match(word, safe)) return word;
  std::string q = "'";
  for (char ch : word) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

std::vector<std::string> options(const Target& t) {
  std::vector<std::string> a{"ssh",
                             "-o", "BatchMode=yes",
                             "-o", "ConnectTimeout=5",
                             "-o", "StrictHostKeyChecking=accept-new",
                             "-o", "UserKnownHostsFile=" + (t.state / "known_hosts").string(),
                             "-p", t.port};
  if (!t.key.empty()) {
    a.push_back("-i");
    a.push_back(t.key);
  }
  return a;
}

std::vector<std::string> command(const Target& t, const std::vector<std::string>& words) {
  auto a = options(t);
  a.push_back("--");
  a.push_back(t.destination());
  for (const auto& w : words) a.push_back(quote(w));
  return a;
}

std::string rsync_shell(const Target& t) {
  std::string line;
  for (const auto& w : options(t)) line += (line.empty() ? "" : " ") + quote(w);
  return line;
}

namespace {

std::vector<std::string> with_socket(const Target& t, std::vector<std::string> extra) {
  auto a = options(t);
  a.push_back("-S");
  a.push_back(t.control_socket().string());
  a.insert(a.end(), extra.begin(), extra.end());
  a.push_back("--");
  a.push_back(t.destination());
  return a;
}

}  // namespace

std::vector<std::string> tunnel_start(const Target& t, const std::string& port, const std::string& api_host) {
  std::string h = api_host.find(':') != std::string::npos ? "[" + api_host + "]" : api_host;
  return with_socket(t, {"-M", "-f", "-N", "-o", "ExitOnForwardFailure=yes", "-o", "ServerAliveInterval=15", "-L",
                         "127.0.0.1:" + port + ":" + h + ":" + port});
}

std::vector<std::string> tunnel_check(const Target& t) { return with_socket(t, {"-O", "check"}); }

std::vector<std::string> tunnel_stop(const Target& t) { return with_socket(t, {"-O", "exit"}); }

Tunnelled tunnel_kubeconfig(const std::string& kubeconfig, const std::string& shown) {
  static const std::regex server_re("^(\\s*server:\\s*)(\\S+)\\s*$");
  Tunnelled out;
  std::istringstream in(kubeconfig);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    if (std::regex_match(line, m, server_re)) {
      std::string url = m[2];
      if (url.size() >= 2 && (url.front() == '"' || url.front() == '\'')) url = url.substr(1, url.size() - 2);
      auto s = parse_server_url(url);
      if (!s) throw Error(Location{shown, "clusters[].cluster.server", n}, "'" + url + "' is not a server URL");
      if (out.port.empty()) {
        out.port = s->port;
        out.api_host = s->host;
      }
      line = std::string(m[1]) + "https://127.0.0.1:" + s->port;
    }
    out.kubeconfig += line + "\n";
  }
  if (out.port.empty())
    throw Error(Location{shown, "clusters[].cluster.server"}, "has no API server to tunnel to",
                "the kubeconfig of the VM's cluster must name its server");
  return out;
}

void ensure_tunnel(Runner& run, const Target& t, const std::string& port, const std::string& api_host) {
  // sun_path holds 108 bytes; ssh adds a 17-character suffix while it binds.
  if (t.control_socket().string().size() > 90)
    throw Error("the tunnel's control socket path " + t.control_socket().string() + " is too long for a Unix socket",
                "work from a project folder with a shorter path (at most ~60 characters before clusters/)");
  bool placeholder = t.host.find('<') != std::string::npos;
  if (!placeholder && run.query(tunnel_check(t)).ok()) return;
  ExecOptions o;
  o.inherit_stdout = true;  // ssh -f stays in the background: no pipe may wait for it
  o.inherit_stderr = true;
  o.timeout = std::chrono::seconds(30);
  run.change("tunnel to the API server of " + t.destination(), tunnel_start(t, port, api_host), o);
}

void stop_tunnel(Runner& run, const Target& t) {
  if (!run.query(tunnel_check(t)).ok()) return;
  run.change("stop the API tunnel to " + t.destination(), tunnel_stop(t));
}

}  // namespace lo::ssh

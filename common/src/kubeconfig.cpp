// Kubeconfig loading: files, merge rules, context, namespace, and every
// field read and checked up front (errors name the file and the field).
#include "lo/kubeconfig.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>

#include <yaml-cpp/yaml.h>

#include "lo/error.hpp"
#include "lo/fs.hpp"

namespace lo {
namespace fs = std::filesystem;

// --- small helpers --------------------------------------------------------------

std::optional<std::string> base64_decode(const std::string& text) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0, pad = 0;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) return std::nullopt;  // data after padding
    int v = value_of(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (pad > 2 || bits >= 6) return std::nullopt;
  return out;
}

std::string base64_encode(const std::string& bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += abc[(n >> 18) & 63];
    out += abc[(n >> 12) & 63];
    out += abc[(n >> 6) & 63];
    out += abc[n & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += abc[(n >> 18) & 63];
    out += abc[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += abc[(n >> 18) & 63];
    out += abc[(n >> 12) & 63];
    out += abc[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& t) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  auto digits = [&](size_t at, size_t n, int& out) {
    if (at + n > t.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int Y, M, D, h, m, s;
  if (!digits(0, 4, Y) || t.size() < 20 || t[4] != '-' || !digits(5, 2, M) || t[7] != '-' ||
      !digits(8, 2, D) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !digits(11, 2, h) ||
      t[13] != ':' || !digits(14, 2, m) || t[16] != ':' || !digits(17, 2, s))
    return std::nullopt;
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s > 60) return std::nullopt;
  size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    ++i;
    size_t start = i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    if (i == start) return std::nullopt;
  }
  long offset = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    int oh, om;
    if (!digits(i + 1, 2, oh) || i + 3 >= t.size() || t[i + 3] != ':' || !digits(i + 4, 2, om))
      return std::nullopt;
    offset = (oh * 3600L + om * 60L) * (t[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = Y - 1900;
  tm.tm_mon = M - 1;
  tm.tm_mday = D;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  time_t secs = timegm(&tm) - offset;
  // system_clock (nanoseconds) ends in 2262: later times mean "never".
  secs = std::min<time_t>(secs, 9000000000);
  return std::chrono::system_clock::from_time_t(secs);
}

std::optional<ServerUrl> parse_server_url(const std::string& url) {
  size_t sep = url.find("://");
  if (sep == std::string::npos) return std::nullopt;
  ServerUrl u;
  for (char c : url.substr(0, sep)) u.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.scheme != "https" && u.scheme != "http") return std::nullopt;
  std::string rest = url.substr(sep + 3);
  size_t end = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, end);
  if (end != std::string::npos && rest[end] == '/') u.path = rest.substr(end, rest.find_first_of("?#", end) - end);
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  auto all_of = [](const std::string& s, const char* extra) {
    return std::all_of(s.begin(), s.end(), [&](unsigned char c) { return std::isalnum(c) || std::strchr(extra, c); });
  };
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    u.host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return std::nullopt;
    if (!after.empty()) port = after.substr(1);
    std::string address = u.host.substr(0, u.host.find('%'));  // a zone (%25eth0) may follow
    bool hex = std::all_of(address.begin(), address.end(), [](unsigned char c) { return std::isxdigit(c) || c == ':' || c == '.'; });
    if (address.find(':') == std::string::npos || !hex || !all_of(u.host, ":.%-_")) return std::nullopt;
  } else {
    size_t colon = authority.find(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
    if (u.host.empty() || !all_of(u.host, ".-_")) return std::nullopt;  // an IPv6 literal needs brackets
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
      return std::nullopt;
    long n = std::stol(port);
    if (n < 1 || n > 65535) return std::nullopt;
    u.port = std::to_string(n);
    u.portExplicit = true;
  } else {
    u.port = u.scheme == "https" ? "443" : "80";
  }
  return u;
}

std::string ServerUrl::url_host() const { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

namespace {
std::string describe(const std::vector<fs::path>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "" : ":") + f.string();
  return "kubeconfig " + out;
}
}  // namespace


// --- loading ---------------------------------------------------------------------

namespace {

struct Entry {
  YAML::Node body;  // the "cluster:" / "user:" / "context:" map
  fs::path file;
  std::string field;  // e.g. users[2].user
  int line = 0;
};

struct Merged {
  std::vector<fs::path> files;
  std::map<std::string, Entry> clusters, users, contexts;
  std::vector<std::string> context_order;
  std::string current;
};

int line_of(const YAML::Node& n) { return n.Mark().is_null() ? 0 : n.Mark().line + 1; }

[[noreturn]] void fail(const fs::path& file, const std::string& field, int line, const std::string& what,
                       const std::string& hint = {}) {
  throw Error(Location{file.string(), field, line}, what, hint);
}

// A scalar string field of `map`; empty when absent.
std::string text(const YAML::Node& map, const char* key, const fs::path& file, const std::string& field) {
  YAML::Node n = map[key];
  if (!n || n.IsNull()) return {};
  if (!n.IsScalar()) fail(file, field + "." + key, line_of(n), "must be a string");
  return n.Scalar();
}

bool flag(const YAML::Node& map, const char* key, const fs::path& file, const std::string& field) {
  YAML::Node n = map[key];
  if (!n || n.IsNull()) return false;
  std::string v = n.IsScalar() ? n.Scalar() : "";
  if (v == "true" || v == "True" || v == "TRUE") return true;
  if (v == "false" || v == "False" || v == "FALSE") return false;
  fail(file, field + "." + key, line_of(n), "must be true or false");
}

fs::path resolve(const fs::path& file, const std::string& value) {
  fs::path p(value);
  if (p.is_absolute()) return p;
  return (fs::absolute(file).parent_path() / p).lexically_normal();
}

std::string read_referenced(const fs::path& file, const std::string& field, int line, const fs::path& target) {
  std::error_code ec;
  if (!fs::is_regular_file(target, ec))
    fail(file, field, line, "cannot read " + target.string() + ": no such file");
  try {
    return read_file(target, 16 << 20);
  } catch (const Error&) {
    fail(file, field, line, "cannot read " + target.string());
  }
}

// Reads a "<name>" file field or its "<name>-data" base64 sibling.
std::string file_or_data(const YAML::Node& body, const std::string& name, const Entry& e) {
  std::string data_key = name + "-data";
  std::string data = text(body, data_key.c_str(), e.file, e.field);
  if (!data.empty()) {
    auto decoded = base64_decode(data);
    if (!decoded) fail(e.file, e.field + "." + data_key, line_of(body[data_key]), "is not valid base64");
    return *decoded;
  }
  std::string path = text(body, name.c_str(), e.file, e.field);
  if (path.empty()) return {};
  return read_referenced(e.file, e.field + "." + name, line_of(body[name]), resolve(e.file, path));
}

void require_pem(const std::string& pem, const Entry& e, const std::string& key, const YAML::Node& body) {
  if (pem.empty()) return;
  if (pem.find("-----BEGIN") == std::string::npos) {
    std::string which = body[key + "-data"] ? key + "-data" : key;
    fail(e.file, e.field + "." + which, line_of(body[which]), "is not PEM (no -----BEGIN line)",
         "kubeconfig certificates and keys are PEM; *-data fields hold the PEM base64-encoded");
  }
}

void merge_file(Merged& m, const fs::path& file) {
  std::string content = read_file(file, 16 << 20);
  YAML::Node root;
  try {
    root = YAML::Load(content);
  } catch (const YAML::Exception& ex) {
    throw Error(Location{file.string(), "", ex.mark.is_null() ? 0 : ex.mark.line + 1}, "not valid YAML: " + ex.msg);
  }
  m.files.push_back(file);
  if (!root || root.IsNull()) return;  // an empty kubeconfig is allowed
  if (!root.IsMap()) fail(file, "", line_of(root), "a kubeconfig must be a YAML map");
  auto section = [&](const char* list, const char* inner, std::map<std::string, Entry>& into, bool contexts) {
    YAML::Node items = root[list];
    if (!items || items.IsNull()) return;
    if (!items.IsSequence()) fail(file, list, line_of(items), "must be a list");
    for (size_t i = 0; i < items.size(); ++i) {
      YAML::Node item = items[i];
      std::string at = std::string(list) + "[" + std::to_string(i) + "]";
      if (!item.IsMap()) fail(file, at, line_of(item), "must be a map with name and " + std::string(inner));
      std::string name = text(item, "name", file, at);
      if (name.empty()) fail(file, at + ".name", line_of(item), "is missing");
      YAML::Node body = item[inner];
      if (body && !body.IsNull() && !body.IsMap()) fail(file, at + "." + inner, line_of(body), "must be a map");
      if (into.count(name)) continue;  // the first file to define a name wins
      into[name] = Entry{body && body.IsMap() ? body : YAML::Node(YAML::NodeType::Map), file,
                         at + "." + inner, line_of(item)};
      if (contexts) m.context_order.push_back(name);
    }
  };
  section("clusters", "cluster", m.clusters, false);
  section("users", "user", m.users, false);
  section("contexts", "context", m.contexts, true);
  std::string current = text(root, "current-context", file, "");
  if (m.current.empty() && !current.empty()) m.current = current;
}

// $KUBECONFIG, or the request's stand-in for it.
std::string kubeconfig_env(const KubeconfigRequest& req) {
  if (req.kubeconfigEnv) return *req.kubeconfigEnv;
  const char* e = std::getenv("KUBECONFIG");
  return e ? e : "";
}

std::vector<fs::path> files_to_read(const KubeconfigRequest& req) {
  std::string why;
  std::vector<fs::path> files = find_kubeconfig_files(req, &why);
  if (files.empty())
    throw Error("no kubeconfig: " + why,
                !kubeconfig_env(req).empty()
                    ? "fix KUBECONFIG or pass --kubeconfig FILE"
                    : "pass --kubeconfig FILE or --context, set KUBECONFIG, or create the cluster first (kubectl lo up)");
  return files;
}

// The server URL of a cluster entry, checked. A malformed URL is quoted
// without its user info, which may hold a password.
std::string server_of(const Entry& e) {
  std::string server = text(e.body, "server", e.file, e.field);
  if (server.empty()) fail(e.file, e.field + ".server", e.line, "is missing", "set the API server URL, e.g. https://127.0.0.1:6443");
  if (!parse_server_url(server)) {
    std::string shown = server;
    size_t sep = shown.find("://"), at = shown.find('@');
    if (sep != std::string::npos && at != std::string::npos && at < shown.find('/', sep + 3))
      shown.replace(sep + 3, at - sep - 3, "...");
    fail(e.file, e.field + ".server", line_of(e.body["server"]),
         "is not an http(s) URL with a host: '" + shown + "'", "write it as https://HOST[:PORT][/PATH] ([ADDRESS] for IPv6)");
  }
  return server;
}

// The context a request chooses, and its cluster entry. nullopt when no
// context is chosen and one is not `required`.
struct Chosen {
  std::string name;
  const Entry* context = nullptr;
  std::string cluster_name;
  const Entry* cluster = nullptr;
};

std::optional<Chosen> choose_context(const Merged& m, const KubeconfigRequest& req, bool required) {
  auto known = [&] {
    return m.context_order.empty() ? std::string("it defines no contexts") : "contexts: " + join(m.context_order);
  };
  Chosen c;
  c.name = req.context && !req.context->empty() ? *req.context : m.current;
  if (c.name.empty()) {
    if (!required) return std::nullopt;
    throw Error("no context chosen: " + describe(m.files) + " sets no current-context",
                "pass --context NAME (" + known() + ")");
  }
  auto it = m.contexts.find(c.name);
  if (it == m.contexts.end())
    throw Error("context \"" + c.name + "\" not found in " + describe(m.files),
                req.context ? known() : "current-context names it; " + known());
  c.context = &it->second;
  const Entry& ce = it->second;
  c.cluster_name = text(ce.body, "cluster", ce.file, ce.field);
  if (c.cluster_name.empty()) fail(ce.file, ce.field + ".cluster", ce.line, "is missing");
  auto cl = m.clusters.find(c.cluster_name);
  if (cl == m.clusters.end())
    fail(ce.file, ce.field + ".cluster", line_of(ce.body["cluster"]),
         "names cluster \"" + c.cluster_name + "\", which no kubeconfig file defines");
  c.cluster = &cl->second;
  return c;
}

ClusterConfig load_cluster(const std::string& name, const Entry& e) {
  ClusterConfig c;
  c.name = name;
  const YAML::Node& b = e.body;
  c.server = server_of(e);
  c.caPem = file_or_data(b, "certificate-authority", e);
  require_pem(c.caPem, e, "certificate-authority", b);
  c.insecureSkipTlsVerify = flag(b, "insecure-skip-tls-verify", e.file, e.field);
  c.tlsServerName = text(b, "tls-server-name", e.file, e.field);
  c.proxyUrl = text(b, "proxy-url", e.file, e.field);
  if (c.insecureSkipTlsVerify && !c.caPem.empty())
    fail(e.file, e.field + ".insecure-skip-tls-verify", line_of(b["insecure-skip-tls-verify"]),
         "cannot be combined with a certificate authority", "remove one of them (kubectl refuses this too)");
  return c;
}

ExecPluginConfig load_exec(const YAML::Node& x, const Entry& e) {
  ExecPluginConfig ex;
  ex.field = e.field + ".exec";
  if (!x.IsMap()) fail(e.file, ex.field, line_of(x), "must be a map");
  ex.apiVersion = text(x, "apiVersion", e.file, ex.field);
  if (ex.apiVersion != "client.authentication.k8s.io/v1" && ex.apiVersion != "client.authentication.k8s.io/v1beta1")
    fail(e.file, ex.field + ".apiVersion", line_of(x["apiVersion"]),
         ex.apiVersion.empty() ? "is missing" : "unsupported exec plugin API version '" + ex.apiVersion + "'",
         "use client.authentication.k8s.io/v1 (or v1beta1)");
  std::string cmd = text(x, "command", e.file, ex.field);
  if (cmd.empty()) fail(e.file, ex.field + ".command", line_of(x), "is missing");
  ex.command = cmd.find('/') != std::string::npos ? resolve(e.file, cmd).string() : cmd;
  if (YAML::Node a = x["args"]; a && !a.IsNull()) {
    if (!a.IsSequence()) fail(e.file, ex.field + ".args", line_of(a), "must be a list of strings");
    for (const auto& v : a) ex.args.push_back(v.Scalar());
  }
  if (YAML::Node env = x["env"]; env && !env.IsNull()) {
    if (!env.IsSequence()) fail(e.file, ex.field + ".env", line_of(env), "must be a list of {name, value}");
    for (size_t i = 0; i < env.size(); ++i) {
      std::string at = ex.field + ".env[" + std::to_string(i) + "]";
      std::string n = text(env[i], "name", e.file, at);
      if (n.empty()) fail(e.file, at + ".name", line_of(env[i]), "is missing");
      ex.env.emplace_back(n, text(env[i], "value", e.file, at));
    }
  }
  ex.installHint = text(x, "installHint", e.file, ex.field);
  ex.provideClusterInfo = flag(x, "provideClusterInfo", e.file, ex.field);
  ex.interactiveMode = text(x, "interactiveMode", e.file, ex.field);
  if (!ex.interactiveMode.empty() && ex.interactiveMode != "Never" && ex.interactiveMode != "IfAvailable" &&
      ex.interactiveMode != "Always")
    fail(e.file, ex.field + ".interactiveMode", line_of(x["interactiveMode"]),
         "must be Never, IfAvailable or Always");
  return ex;
}

UserConfig load_user(const std::string& name, const Entry& e) {
  UserConfig u;
  u.name = name;
  u.field = e.field;
  const YAML::Node& b = e.body;
  u.clientCertificatePem = Secret(file_or_data(b, "client-certificate", e));
  u.clientKeyPem = Secret(file_or_data(b, "client-key", e));
  require_pem(u.clientCertificatePem.reveal(), e, "client-certificate", b);
  require_pem(u.clientKeyPem.reveal(), e, "client-key", b);
  if (u.clientCertificatePem.empty() != u.clientKeyPem.empty()) {
    std::string missing = u.clientKeyPem.empty() ? "client-key" : "client-certificate";
    fail(e.file, e.field + "." + missing, e.line, "is missing",
         "a client certificate needs its key and the key its certificate");
  }
  u.token = Secret(text(b, "token", e.file, e.field));
  if (std::string tf = text(b, "tokenFile", e.file, e.field); !tf.empty()) {
    u.tokenFile = resolve(e.file, tf);
    std::error_code ec;
    if (!fs::is_regular_file(u.tokenFile, ec))
      fail(e.file, e.field + ".tokenFile", line_of(b["tokenFile"]), "cannot read " + u.tokenFile.string() + ": no such file");
  }
  u.username = text(b, "username", e.file, e.field);
  u.password = Secret(text(b, "password", e.file, e.field));
  if (YAML::Node x = b["exec"]; x && !x.IsNull()) {
    u.exec = load_exec(x, e);
    if (!u.clientCertificatePem.empty())
      fail(e.file, u.exec->field, line_of(x), "cannot be combined with client-certificate/client-key",
           "use either the exec plugin or a static client certificate");
  }
  if (YAML::Node ap = b["auth-provider"]; ap && !ap.IsNull()) {
    std::string provider = ap.IsMap() ? text(ap, "name", e.file, e.field + ".auth-provider") : "";
    YAML::Node cfg = ap.IsMap() ? ap["config"] : YAML::Node();
    std::string id_token = cfg && cfg.IsMap() ? text(cfg, "id-token", e.file, e.field + ".auth-provider.config") : "";
    if (provider == "oidc" && !id_token.empty()) {
      if (u.token.empty()) u.token = Secret(id_token);  // used as is; lo does not refresh it
    } else if (u.token.empty() && u.tokenFile.empty() && !u.exec && u.clientCertificatePem.empty()) {
      fail(e.file, e.field + ".auth-provider", line_of(ap),
           "auth-provider '" + provider + "' is not supported (kubectl removed these plugins in 1.26)",
           "use an exec credential plugin (kubelogin, gke-gcloud-auth-plugin, aws eks get-token)");
    }
  }
  return u;
}

}  // namespace

std::vector<fs::path> find_kubeconfig_files(const KubeconfigRequest& req, std::string* why_none) {
  std::error_code ec;
  if (req.path) {
    if (!fs::is_regular_file(*req.path, ec))
      throw Error(Location{req.path->string()}, "kubeconfig file does not exist",
                  "pass an existing file to --kubeconfig");
    return {*req.path};
  }
  std::string env = kubeconfig_env(req);
  if (!env.empty()) {
    std::vector<fs::path> out;
    std::string listed;
    size_t start = 0;
    while (start <= env.size()) {
      size_t end = env.find(':', start);
      if (end == std::string::npos) end = env.size();
      std::string item = env.substr(start, end - start);
      start = end + 1;
      if (item.empty()) continue;
      listed += (listed.empty() ? "" : ", ") + item;
      if (!fs::is_regular_file(item, ec)) continue;  // missing entries are skipped, like kubectl
      auto canon = fs::weakly_canonical(item, ec);
      bool seen = false;
      for (const auto& o : out) seen |= fs::weakly_canonical(o, ec) == canon;
      if (!seen) out.emplace_back(item);
    }
    if (out.empty() && why_none) *why_none = "none of the files in KUBECONFIG exists (" + listed + ")";
    return out;
  }
  fs::path home;
  if (req.home) home = *req.home;
  else if (const char* h = std::getenv("HOME")) home = h;
  fs::path def = home / ".kube" / "config";
  if (!home.empty() && fs::is_regular_file(def, ec)) return {def};
  if (why_none) *why_none = def.string() + " does not exist and KUBECONFIG is not set";
  return {};
}

KubeConfig load_kubeconfig(const KubeconfigRequest& req) {
  Merged m;
  for (const auto& f : files_to_read(req)) merge_file(m, f);
  KubeConfig cfg;
  cfg.files = m.files;
  Chosen chosen = *choose_context(m, req, true);
  const Entry& ce = *chosen.context;
  cfg.contextName = chosen.name;
  cfg.contextFile = ce.file;
  cfg.cluster = load_cluster(chosen.cluster_name, *chosen.cluster);
  cfg.clusterFile = chosen.cluster->file;
  std::string user_name = text(ce.body, "user", ce.file, ce.field);
  if (!user_name.empty()) {
    auto us = m.users.find(user_name);
    if (us == m.users.end())
      fail(ce.file, ce.field + ".user", line_of(ce.body["user"]),
           "names user \"" + user_name + "\", which no kubeconfig file defines");
    cfg.user = load_user(user_name, us->second);
    cfg.userFile = us->second.file;
  }
  std::string ns = text(ce.body, "namespace", ce.file, ce.field);
  if (req.namespace_ && !req.namespace_->empty()) {
    cfg.namespace_ = *req.namespace_;
    cfg.namespaceExplicit = true;
  } else if (!ns.empty()) {
    cfg.namespace_ = ns;
    cfg.namespaceExplicit = true;
  } else {
    cfg.namespace_ = "default";
  }
  return cfg;
}

std::optional<ContextServer> load_context_server(const KubeconfigRequest& req) {
  Merged m;
  for (const auto& f : files_to_read(req)) merge_file(m, f);
  std::optional<Chosen> chosen = choose_context(m, req, false);
  if (!chosen) return std::nullopt;
  return ContextServer{chosen->name, chosen->cluster_name, server_of(*chosen->cluster), chosen->cluster->file};
}

}  // namespace lo

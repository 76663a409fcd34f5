// Kubeconfig loading with kubectl's rules, and the credentials it names.
//
// Which files: an explicit path (--kubeconfig, or a domain's own kubeconfig)
// is read alone and must exist. Otherwise every file of $KUBECONFIG (':'
// separated, empty and missing entries skipped) is merged: for clusters,
// users and contexts the first file that defines a name wins, and
// current-context comes from the first file that sets it. With no KUBECONFIG
// the file is ~/.kube/config.
//
// Which context: --context, else current-context. Namespace: -n, else the
// context's namespace, else "default".
//
// Relative paths inside a file (certificate-authority, client-certificate,
// client-key, tokenFile, an exec command with a '/') resolve against the
// folder of the file that holds them. File contents and *-data fields are
// read while loading, so an error names the kubeconfig file and the field
// (users[0].user.client-key) at once, not at the first request.
//
// Secrets (tokens, keys, certificates, passwords) live in lo::Secret, which
// has no way to be printed; nothing here puts secret text into a message.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lo {

// Secret bytes. Deliberately not streamable or convertible; reveal() is the
// one door, used only where the bytes go onto the wire. Wiped on destruction.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(const Secret& o);
  Secret& operator=(Secret&& o) noexcept;
  ~Secret();
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  bool operator==(const Secret& o) const { return value_ == o.value_; }

 private:
  void wipe();
  std::string value_;
};

struct ExecPluginConfig {
  std::string apiVersion;  // client.authentication.k8s.io/v1 or /v1beta1
  std::string command;     // resolved against the kubeconfig folder when it holds a '/'
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string installHint;
  bool provideClusterInfo = false;
  std::string interactiveMode;  // Never | IfAvailable | Always, "" when not written
  std::string field;            // users[i].user.exec, for messages
};

struct ClusterConfig {
  std::string name;
  std::string server;
  std::string caPem;  // certificate-authority(-data); empty: the system's roots
  bool insecureSkipTlsVerify = false;
  std::string tlsServerName;
  std::string proxyUrl;
};

struct UserConfig {
  std::string name;
  std::string field;  // "users[2].user", for messages
  Secret clientCertificatePem;
  Secret clientKeyPem;
  Secret token;
  std::filesystem::path tokenFile;  // absolute; re-read while running
  std::string username;
  Secret password;
  std::optional<ExecPluginConfig> exec;
};

// One resolved context: what a client needs to talk to one cluster.
struct KubeConfig {
  std::vector<std::filesystem::path> files;  // files read, in merge order
  std::filesystem::path contextFile;         // file that defined the context
  std::string contextName;
  std::string namespace_;             // effective namespace
  bool namespaceExplicit = false;     // from -n or the context (not the "default" fallback)
  ClusterConfig cluster;
  UserConfig user;
  std::filesystem::path userFile;     // file that defined the user (for messages)
  std::filesystem::path clusterFile;  // file that defined the cluster
};

struct KubeconfigRequest {
  std::optional<std::filesystem::path> path;  // explicit file: read alone
  std::optional<std::string> context;         // --context
  std::optional<std::string> namespace_;      // -n
  // Environment stand-ins (tests); nullopt: read $KUBECONFIG / $HOME.
  std::optional<std::string> kubeconfigEnv;
  std::optional<std::filesystem::path> home;
};

// Throws lo::Error naming the file and field on any problem.
KubeConfig load_kubeconfig(const KubeconfigRequest& request);

// The files load_kubeconfig would read. Empty when the request names no
// file and neither $KUBECONFIG nor ~/.kube/config has one, and then
// `why_none` (when given) says what was looked for; throws when an explicit
// path does not exist.
std::vector<std::filesystem::path> find_kubeconfig_files(const KubeconfigRequest& request,
                                                         std::string* why_none = nullptr);

// Where the context of a request points, read without touching users,
// credentials or certificate files (`kubectl lo build` needs no more).
struct ContextServer {
  std::string contextName;
  std::string clusterName;
  std::string server;                 // a URL parse_server_url accepts
  std::filesystem::path clusterFile;  // file that defined the cluster
};

// nullopt when no context is chosen: neither --context nor a
// current-context (a kubeconfig whose cluster was deleted, or an empty one).
// Throws lo::Error naming the file and field when the files are malformed,
// the context or its cluster is missing, or the server is not a URL.
std::optional<ContextServer> load_context_server(const KubeconfigRequest& request);

// The live credentials of a KubeConfig user. Static fields are used as they
// are; a tokenFile is re-read at most once a minute (and after a 401); an
// exec plugin runs on first use, again once its expirationTimestamp has
// passed, and again after invalidate() (the server answered 401).
struct Credentials {
  Secret bearerToken;
  Secret clientCertificatePem;
  Secret clientKeyPem;
  std::string username;
  Secret password;
  uint64_t generation = 0;  // changes whenever the credentials change
};

class CredentialSource {
 public:
  explicit CredentialSource(KubeConfig config);
  // Thread-safe. Throws lo::Error when an exec plugin or token file fails.
  Credentials get();
  // The server rejected credentials of this generation: fetch fresh ones on
  // the next get(). Returns false when nothing could change (static creds).
  bool invalidate(uint64_t generation);
  const KubeConfig& config() const { return config_; }

  // How long exec plugins may run (tests shorten it).
  std::chrono::milliseconds exec_timeout{std::chrono::seconds(60)};

 private:
  Credentials run_exec_plugin();
  Secret read_token_file();

  KubeConfig config_;
  std::mutex mu_;
  std::optional<Credentials> cached_;
  std::optional<std::chrono::system_clock::time_point> expires_;
  std::chrono::steady_clock::time_point token_read_at_{};
  uint64_t generation_ = 0;
};

// --- helpers, public for tests ----------------------------------------------

// A cluster's server URL taken apart. `host` never has the brackets of an
// IPv6 literal ("::1" for https://[::1]:6443); `port` is the explicit port,
// else 443 for https and 80 for http; `path` is what follows the authority,
// without trailing slashes ("" or "/k8s/clusters/c-1").
struct ServerUrl {
  std::string scheme;  // "https" or "http", lower case
  std::string host;
  std::string port;
  bool portExplicit = false;
  std::string path;
  // host as a URL needs it: "[::1]" for IPv6, the host otherwise.
  std::string url_host() const;
};

// nullopt unless `url` is http(s)://host[:port][/path]: a non-empty host
// (an IPv6 literal in brackets), a port from 1 to 65535. User info before
// '@' is dropped; a query or fragment ends the path.
std::optional<ServerUrl> parse_server_url(const std::string& url);

// Standard base64 (whitespace ignored). nullopt when the text is not base64.
std::optional<std::string> base64_decode(const std::string& text);
std::string base64_encode(const std::string& bytes);
// RFC 3339 time ("2024-05-01T10:00:00Z", fractions and offsets allowed).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text);

}  // namespace lo

// Credentials of a kubeconfig user: Secret, static credentials, token files
// re-read while running, and exec credential plugins (run with the
// KUBERNETES_EXEC_INFO kubectl gives them, re-run on expiry or after a 401).
#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/kubeconfig.hpp"
#include "lo/log.hpp"

namespace lo {

// --- Secret -------------------------------------------------------------------

void Secret::wipe() {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
  value_.clear();
}
Secret& Secret::operator=(const Secret& o) {
  if (this != &o) {
    wipe();
    value_ = o.value_;
  }
  return *this;
}
Secret& Secret::operator=(Secret&& o) noexcept {
  if (this != &o) {
    wipe();
    value_ = std::move(o.value_);
    o.value_.clear();
  }
  return *this;
}
Secret::~Secret() { wipe(); }

// --- credentials -----------------------------------------------------------------

CredentialSource::CredentialSource(KubeConfig config) : config_(std::move(config)) {}

Secret CredentialSource::read_token_file() {
  const auto& u = config_.user;
  std::string t;
  try {
    t = read_file(u.tokenFile, 1 << 20);
  } catch (const Error&) {
    throw Error(Location{config_.userFile.string(), u.field + ".tokenFile"},
                "cannot read token file " + u.tokenFile.string());
  }
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  size_t start = 0;
  while (start < t.size() && std::isspace(static_cast<unsigned char>(t[start]))) ++start;
  Secret s(t.substr(start));
  if (!t.empty()) OPENSSL_cleanse(t.data(), t.size());
  if (s.empty())
    throw Error(Location{config_.userFile.string(), u.field + ".tokenFile"},
                "token file " + u.tokenFile.string() + " is empty");
  return s;
}

Credentials CredentialSource::run_exec_plugin() {
  const ExecPluginConfig& ex = *config_.user.exec;
  Location where{config_.userFile.string(), ex.field};
  if (ex.interactiveMode == "Always")
    throw Error(where, "the exec plugin needs an interactive terminal (interactiveMode: Always), which lo does not give it",
                "log in once with the plugin yourself, or set interactiveMode: IfAvailable");
  nlohmann::json info = {{"apiVersion", ex.apiVersion}, {"kind", "ExecCredential"},
                         {"spec", {{"interactive", false}}}};
  if (ex.provideClusterInfo) {
    nlohmann::json c = {{"server", config_.cluster.server}};
    if (!config_.cluster.tlsServerName.empty()) c["tls-server-name"] = config_.cluster.tlsServerName;
    if (config_.cluster.insecureSkipTlsVerify) c["insecure-skip-tls-verify"] = true;
    if (!config_.cluster.caPem.empty()) c["certificate-authority-data"] = base64_encode(config_.cluster.caPem);
    if (!config_.cluster.proxyUrl.empty()) c["proxy-url"] = config_.cluster.proxyUrl;
    info["spec"]["cluster"] = c;
  }
  ExecOptions opts;
  for (const auto& [k, v] : ex.env) opts.env[k] = v;
  opts.env["KUBERNETES_EXEC_INFO"] = info.dump();
  opts.timeout = exec_timeout;
  opts.inherit_stderr = true;  // plugins talk to the user on stderr, as with kubectl
  std::vector<std::string> argv{ex.command};
  argv.insert(argv.end(), ex.args.begin(), ex.args.end());
  std::string hint = ex.installHint.empty() ? "check the command in the kubeconfig" : ex.installHint;
  log::debug(4, "running exec credential plugin " + ex.command);
  ExecResult r;
  try {
    r = run(argv, opts);
  } catch (const Error&) {
    throw Error(where, "exec credential plugin '" + ex.command + "' cannot be run (not found or not executable)", hint);
  }
  // Its stdout holds credentials: it never appears in a message.
  struct Wipe {
    std::string& s;
    ~Wipe() {
      if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    }
  } wipe{r.out};
  if (r.timed_out)
    throw Error(where, "exec credential plugin '" + ex.command + "' did not finish within " +
                           std::to_string(exec_timeout.count() / 1000) + "s");
  if (!r.ok())
    throw Error(where, "exec credential plugin '" + ex.command + "' failed (exit code " +
                           std::to_string(r.exit_code) + ")", hint);
  nlohmann::json out = nlohmann::json::parse(r.out, nullptr, false);
  if (out.is_discarded() || !out.is_object())
    throw Error(where, "exec credential plugin '" + ex.command + "' did not print an ExecCredential JSON object");
  if (out.value("kind", "") != "ExecCredential" || out.value("apiVersion", "") != ex.apiVersion)
    throw Error(where, "exec credential plugin '" + ex.command + "' printed kind '" + out.value("kind", "") +
                           "' apiVersion '" + out.value("apiVersion", "") + "'; expected ExecCredential " + ex.apiVersion);
  const nlohmann::json status = out.contains("status") && out["status"].is_object() ? out["status"] : nlohmann::json::object();
  auto str = [&](const char* k) {
    auto it = status.find(k);
    return it != status.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Credentials c;
  c.bearerToken = Secret(str("token"));
  c.clientCertificatePem = Secret(str("clientCertificateData"));
  c.clientKeyPem = Secret(str("clientKeyData"));
  if (c.clientCertificatePem.empty() != c.clientKeyPem.empty())
    throw Error(where, "exec credential plugin '" + ex.command +
                           "' returned a client certificate without its key (or a key without its certificate)");
  if (c.bearerToken.empty() && c.clientCertificatePem.empty())
    throw Error(where, "exec credential plugin '" + ex.command + "' returned no token and no client certificate");
  expires_.reset();
  if (std::string exp = str("expirationTimestamp"); !exp.empty()) {
    auto t = parse_rfc3339(exp);
    if (!t)
      throw Error(where, "exec credential plugin '" + ex.command + "' returned an invalid expirationTimestamp '" + exp + "'");
    expires_ = *t;
  }
  // A static token in the kubeconfig wins over the plugin's, as in client-go.
  if (!config_.user.token.empty()) c.bearerToken = config_.user.token;
  return c;
}

Credentials CredentialSource::get() {
  std::lock_guard<std::mutex> lock(mu_);
  const UserConfig& u = config_.user;
  auto now_steady = std::chrono::steady_clock::now();
  if (u.exec) {
    bool expired = expires_ && std::chrono::system_clock::now() >= *expires_;
    if (!cached_ || expired) {
      Credentials c = run_exec_plugin();
      c.generation = ++generation_;
      cached_ = std::move(c);
    }
    return *cached_;
  }
  if (!cached_) {
    Credentials c;
    c.bearerToken = u.token;
    c.clientCertificatePem = u.clientCertificatePem;
    c.clientKeyPem = u.clientKeyPem;
    c.username = u.username;
    c.password = u.password;
    c.generation = ++generation_;
    cached_ = std::move(c);
  }
  if (!u.tokenFile.empty() && (token_read_at_ == std::chrono::steady_clock::time_point{} ||
                               now_steady - token_read_at_ > std::chrono::minutes(1))) {
    Secret t = read_token_file();
    token_read_at_ = now_steady;
    if (!(t == cached_->bearerToken)) {
      cached_->bearerToken = std::move(t);
      cached_->generation = ++generation_;
    }
  }
  return *cached_;
}

bool CredentialSource::invalidate(uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  if (generation != generation_) return true;  // someone refreshed them already
  if (config_.user.exec) {
    cached_.reset();
    expires_.reset();
    return true;
  }
  if (!config_.user.tokenFile.empty()) {
    token_read_at_ = {};
    return true;
  }
  return false;
}

}  // namespace lo

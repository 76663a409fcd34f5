#include "kubehz.hpp"

#include <openssl/evp.h>

#include <cstdlib>
#include <iostream>

#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/kube_client.hpp"
#include "lo/kubeconfig.hpp"
#include "lo/log.hpp"
#include "lo/runner.hpp"
#include "providers/provider.hpp"
#include "rest_api.hpp"

namespace lo::kubehz {
namespace fs = std::filesystem;

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

std::pair<std::string, std::string> cluster_key(const Workspace& ws, const LoadedDomain& d) {
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

bool registers(const Spec& s) { return s.kubehz.access && (*s.kubehz.access == "registered" || *s.kubehz.access == "managed"); }

namespace {

ApiEndpoint endpoint_of(const Spec& s) {
  ApiEndpoint e;
  e.url = s.kubehz.apiUrl.value_or("");
  while (!e.url.empty() && e.url.back() == '/') e.url.pop_back();
  e.url_from = "spec.kubehz.apiUrl of " + s.file;
  if (const char* ca = std::getenv("KUBEHZ_CA_CERT"); ca && *ca) {
    std::error_code ec;
    if (!fs::is_regular_file(ca, ec))
      throw Error("KUBEHZ_CA_CERT (" + std::string(ca) + ") is not a readable file",
                  "point it at the PEM file of the CA that signed the kubehz API's certificate");
    e.ca_pem = read_file(ca, 1 << 20);
    e.ca_from = ca;
  }
  return e;
}

// Short timeouts and few retries: kubehz must not hold up a provision.
RestApi connect(const ApiEndpoint& e, Secret token) {
  ApiProfile p;
  p.service = "kubehz API";
  p.token_name = "KUBEHZ_TOKEN";
  p.https_hint = "give the https:// URL of the kubehz API in spec.kubehz.apiUrl";
  p.unreachable_hint = "is " + e.url + " reachable? (with a private CA, set KUBEHZ_CA_CERT)";
  p.status_hint = [](long status) -> std::string {
    if (status == 401 || status == 403) return "kubehz did not accept KUBEHZ_TOKEN; use a token of the account that claimed the cluster";
    if (status == 409) return "kubehz knows this domain with another SSH key; deregister it on the dashboard first";
    return {};
  };
  p.options.max_in_flight = 1;
  p.options.max_retries = 3;
  p.options.retry_post = true;  // registering twice with the same key is the same registration
  p.options.backoff_base = std::chrono::milliseconds(300);
  p.options.retry_after_max = std::chrono::seconds(10);
  p.options.request_timeout = std::chrono::seconds(20);
  p.options.connect_timeout = std::chrono::seconds(10);
  return RestApi(e, std::move(p), std::move(token));
}

std::string first_hint(const Error& e) { return e.problems().empty() ? std::string() : e.problems()[0].hint; }

}  // namespace

void register_cluster(const driver::Context& c) {
  const Spec& s = c.domain.spec;
  if (!registers(s)) return;
  const std::string& domain = c.domain.ref.name;
  Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
  std::string fp;
  try {
    auto [text, from] = cluster_key(c.ws, c.domain);
    fp = md5_fingerprint(text, from);
  } catch (const Error& e) {
    // A plan of a provider that has not made the machines yet cannot read
    // the key its inventory will name.
    if (!c.dry_run || !run.planned("file", provider::inventory_file(c.ws, c.domain).string())) {
      run.warn("kubectl lo", "kubehz: " + domain + " is not registered: " + std::string(e.what()), first_hint(e));
      return;
    }
    fp = "<fingerprint>";
  }
  std::string target = domain + " with kubehz " + s.kubehz.apiUrl.value_or("") + " as pending (SSH key fingerprint " + fp + ")";
  std::string state = "pending";
  if (!c.dry_run) {
    try {
      RestApi api = connect(endpoint_of(s), Secret());
      auto r = api.call("POST", "/api/clusters/register", Json{{"domain", domain}, {"fingerprint", fp}});
      if (r && r->is_object() && r->contains("state") && (*r)["state"].is_string()) state = (*r)["state"].get<std::string>();
    } catch (const Error& e) {
      run.warn("kubectl lo", "kubehz: registering " + domain + " failed (the cluster is up; the dashboard does not know it): " + e.what(),
               first_hint(e).empty() ? "run 'kubectl lo provision " + domain + "' again later to register it" : first_hint(e));
      return;
    }
  }
  run.step("register", target, [] {});
  if (c.dry_run) return;
  log::note("kubehz: " + domain + " is registered (" + state + ")");
  log::note("kubehz: to claim it, open the dashboard's Claim page with this SSH key fingerprint (and your Hetzner Cloud token): " + fp);
}

void deregister_cluster(const driver::Context& c) {
  const Spec& s = c.domain.spec;
  if (!registers(s)) return;
  const std::string& domain = c.domain.ref.name;
  Runner run(c.dry_run, c.dry_run ? std::cout : std::cerr);
  const char* token = std::getenv("KUBEHZ_TOKEN");
  if (!token || !*token) {
    run.warn("kubectl lo", "kubehz: " + domain + " is not deregistered: KUBEHZ_TOKEN is not set",
             "export KUBEHZ_TOKEN (an API token of the kubehz account that claimed it) and destroy again, or remove it on the dashboard");
    return;
  }
  if (!c.dry_run) {
    try {
      RestApi api = connect(endpoint_of(s), Secret(token));
      if (!api.call("DELETE", "/api/clusters?domain=" + url_escape(domain), nullptr, true))
        log::note("kubehz: " + domain + " was not registered");
    } catch (const Error& e) {
      run.warn("kubectl lo", "kubehz: deregistering " + domain + " failed: " + std::string(e.what()),
               first_hint(e).empty() ? "remove it on the kubehz dashboard" : first_hint(e));
      return;
    }
  }
  run.step("deregister", domain + " from kubehz " + s.kubehz.apiUrl.value_or(""), [] {});
}

}  // namespace lo::kubehz

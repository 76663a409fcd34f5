// Kubeconfig loading (merge rules, contexts, namespaces, relative paths),
// every kind of credential, and errors that name the file and the field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "lo/error.hpp"
#include "lo/kubeconfig.hpp"

namespace fs = std::filesystem;

namespace {

const char* kCertPem = "-----BEGIN CERTIFICATE-----\nQ0VSVElGSUNBVEUtVEVYVA==\n-----END CERTIFICATE-----\n";
const char* kKeyPem = "-----BEGIN PRIVATE KEY-----\nS0VZLVRFWFQ=\n-----END PRIVATE KEY-----\n";
const char* kCaPem = "-----BEGIN CERTIFICATE-----\nQ0EtVEVYVA==\n-----END CERTIFICATE-----\n";

class Kubeconfig : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lo-kubeconfig-test-XXXXXX";
    dir = fs::path(mkdtemp(tmpl));
  }
  void TearDown() override { fs::remove_all(dir); }

  fs::path write(const std::string& rel, const std::string& text, fs::perms mode = fs::perms(0600)) {
    fs::path p = dir / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    fs::permissions(p, mode);
    return p;
  }

  lo::KubeConfig load(lo::KubeconfigRequest req) {
    if (!req.path && !req.kubeconfigEnv) req.kubeconfigEnv = "";
    if (!req.home) req.home = dir / "home";
    return lo::load_kubeconfig(req);
  }

  // The error's problems as one text, plus the first location.
  static std::string error_text(const lo::Error& e) {
    std::string s;
    for (const auto& p : e.problems()) s += lo::format_problem(p) + "\n";
    return s;
  }

  fs::path dir;
};

std::string simple(const std::string& user_fields, const std::string& cluster_extra = "") {
  return "apiVersion: v1\nkind: Config\n"
         "clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n" + cluster_extra +
         "users:\n- name: u\n  user:\n" + user_fields +
         "contexts:\n- name: ctx\n  context: {cluster: c, user: u, namespace: team}\n"
         "current-context: ctx\n";
}

std::string b64(const std::string& s) { return lo::base64_encode(s); }

}  // namespace

TEST_F(Kubeconfig, MergesKubeconfigListFirstDefinitionWins) {
  auto a = write("a.yaml",
                 "clusters:\n- name: shared\n  cluster: {server: 'https://first:6443', insecure-skip-tls-verify: true}\n"
                 "contexts:\n- name: one\n  context: {cluster: shared}\n");
  auto b = write("b.yaml",
                 "clusters:\n- name: shared\n  cluster: {server: 'https://second:6443'}\n"
                 "- name: other\n  cluster: {server: 'https://other:6443'}\n"
                 "contexts:\n- name: one\n  context: {cluster: other}\n- name: two\n  context: {cluster: other, namespace: x}\n"
                 "current-context: one\n");
  auto c = write("c.yaml", "current-context: two\n");
  lo::KubeconfigRequest req;
  req.kubeconfigEnv = a.string() + ":" + (dir / "missing.yaml").string() + "::" + b.string() + ":" + c.string();
  auto cfg = load(req);
  // current-context comes from the first file that sets it (b, not c);
  // context "one" and cluster "shared" from the first file defining them (a).
  EXPECT_EQ(cfg.contextName, "one");
  EXPECT_EQ(cfg.cluster.name, "shared");
  EXPECT_EQ(cfg.cluster.server, "https://first:6443");
  EXPECT_TRUE(cfg.cluster.insecureSkipTlsVerify);
  EXPECT_EQ(cfg.contextFile, a);
  EXPECT_EQ(cfg.files.size(), 3u);  // the missing entry is skipped
  EXPECT_EQ(cfg.namespace_, "default");
  EXPECT_FALSE(cfg.namespaceExplicit);

  req.context = "two";
  cfg = load(req);
  EXPECT_EQ(cfg.cluster.server, "https://other:6443");
  EXPECT_EQ(cfg.namespace_, "x");
  EXPECT_TRUE(cfg.namespaceExplicit);
}

TEST_F(Kubeconfig, NamespaceFlagWinsOverContext) {
  auto f = write("k.yaml", simple("    token: abc\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  EXPECT_EQ(load(req).namespace_, "team");
  req.namespace_ = "flagged";
  EXPECT_EQ(load(req).namespace_, "flagged");
}

TEST_F(Kubeconfig, ExplicitPathIsReadAloneAndMustExist) {
  auto a = write("a.yaml", simple("    token: abc\n"));
  lo::KubeconfigRequest req;
  req.path = a;
  req.kubeconfigEnv = (dir / "ignored.yaml").string();
  EXPECT_EQ(load(req).files, std::vector<fs::path>{a});
  req.path = dir / "nope.yaml";
  try {
    load(req);
    FAIL() << "expected an error";
  } catch (const lo::Error& e) {
    EXPECT_NE(error_text(e).find("nope.yaml"), std::string::npos) << error_text(e);
  }
}

TEST_F(Kubeconfig, FallsBackToHomeKubeConfig) {
  write("home/.kube/config", simple("    token: abc\n"));
  lo::KubeconfigRequest req;
  EXPECT_EQ(load(req).contextName, "ctx");
  fs::remove(dir / "home/.kube/config");
  EXPECT_THROW(load(req), lo::Error);
}

TEST_F(Kubeconfig, KubeconfigListWithOnlyMissingFilesIsAnError) {
  lo::KubeconfigRequest req;
  req.kubeconfigEnv = (dir / "a.yaml").string() + ":" + (dir / "b.yaml").string();
  try {
    load(req);
    FAIL();
  } catch (const lo::Error& e) {
    EXPECT_NE(error_text(e).find("b.yaml"), std::string::npos);
  }
}

TEST_F(Kubeconfig, UnknownContextListsTheKnownOnes) {
  auto f = write("k.yaml", simple("    token: abc\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  req.context = "prod";
  try {
    load(req);
    FAIL();
  } catch (const lo::Error& e) {
    EXPECT_NE(error_text(e).find("\"prod\" not found"), std::string::npos) << error_text(e);
    EXPECT_NE(error_text(e).find("contexts: ctx"), std::string::npos) << error_text(e);
  }
}

TEST_F(Kubeconfig, NoCurrentContextAsksForOne) {
  auto f = write("k.yaml", "clusters:\n- name: c\n  cluster: {server: 'https://h:1'}\ncontexts:\n- name: a\n  context: {cluster: c}\n");
  lo::KubeconfigRequest req;
  req.path = f;
  try {
    load(req);
    FAIL();
  } catch (const lo::Error& e) {
    EXPECT_NE(error_text(e).find("--context"), std::string::npos);
  }
}

TEST_F(Kubeconfig, RelativePathsResolveAgainstTheKubeconfigFolder) {
  write("cfg/pki/ca.crt", kCaPem);
  write("cfg/pki/client.crt", kCertPem);
  write("cfg/pki/client.key", kKeyPem);
  write("cfg/token.txt", "  file-token\n");
  auto f = write("cfg/kubeconfig.yaml",
                 simple("    client-certificate: pki/client.crt\n    client-key: ./pki/client.key\n"
                        "    tokenFile: token.txt\n",
                        "    certificate-authority: pki/ca.crt\n"));
  fs::path old = fs::current_path();
  fs::current_path("/");
  lo::KubeconfigRequest req;
  req.path = f;
  lo::KubeConfig cfg;
  ASSERT_NO_THROW(cfg = load(req));
  fs::current_path(old);
  EXPECT_EQ(cfg.cluster.caPem, kCaPem);
  EXPECT_EQ(cfg.user.clientCertificatePem.reveal(), kCertPem);
  EXPECT_EQ(cfg.user.clientKeyPem.reveal(), kKeyPem);
  EXPECT_EQ(cfg.user.tokenFile, dir / "cfg/token.txt");
  lo::CredentialSource src(cfg);
  EXPECT_EQ(src.get().bearerToken.reveal(), "file-token");
}

TEST_F(Kubeconfig, ClientCertificateAndKeyData) {
  auto f = write("k.yaml", simple("    client-certificate-data: " + b64(kCertPem) + "\n    client-key-data: " + b64(kKeyPem) + "\n",
                                  "    certificate-authority-data: " + b64(kCaPem) + "\n    tls-server-name: api.internal\n"
                                  "    proxy-url: http://proxy:3128\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  auto cfg = load(req);
  EXPECT_EQ(cfg.cluster.caPem, kCaPem);
  EXPECT_EQ(cfg.cluster.tlsServerName, "api.internal");
  EXPECT_EQ(cfg.cluster.proxyUrl, "http://proxy:3128");
  lo::CredentialSource src(cfg);
  auto c = src.get();
  EXPECT_EQ(c.clientCertificatePem.reveal(), kCertPem);
  EXPECT_EQ(c.clientKeyPem.reveal(), kKeyPem);
  EXPECT_TRUE(c.bearerToken.empty());
  EXPECT_FALSE(src.invalidate(c.generation));  // static credentials cannot change
}

TEST_F(Kubeconfig, BearerTokenAndBasicAuth) {
  auto f = write("k.yaml", simple("    token: s3cr3t\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  lo::CredentialSource src(load(req));
  EXPECT_EQ(src.get().bearerToken.reveal(), "s3cr3t");

  auto g = write("g.yaml", simple("    username: admin\n    password: pw\n"));
  req.path = g;
  lo::CredentialSource basic(load(req));
  EXPECT_EQ(basic.get().username, "admin");
  EXPECT_EQ(basic.get().password.reveal(), "pw");
}

TEST_F(Kubeconfig, TokenFileIsReadAgainAfterInvalidate) {
  auto tok = write("tok", "one\n");
  auto f = write("k.yaml", simple("    tokenFile: tok\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  lo::CredentialSource src(load(req));
  auto first = src.get();
  EXPECT_EQ(first.bearerToken.reveal(), "one");
  std::ofstream(tok) << "two\n";
  EXPECT_EQ(src.get().bearerToken.reveal(), "one");  // cached for a minute
  EXPECT_TRUE(src.invalidate(first.generation));
  auto second = src.get();
  EXPECT_EQ(second.bearerToken.reveal(), "two");
  EXPECT_NE(second.generation, first.generation);
}

TEST_F(Kubeconfig, ExecPluginV1GetsExecInfoAndItsEnv) {
  auto seen = dir / "seen-info";
  write("bin/plugin",
        "#!/bin/sh\n"
        "printf '%s' \"$KUBERNETES_EXEC_INFO\" > '" + seen.string() + "'\n"
        "printf '%s %s' \"$1\" \"$EXTRA\" > '" + (dir / "seen-args").string() + "'\n"
        "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
        "\"status\":{\"token\":\"exec-token\"}}'\n",
        fs::perms(0700));
  auto f = write("k.yaml", simple("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                  "      command: ./bin/plugin\n      args: [get-token]\n"
                                  "      env: [{name: EXTRA, value: extra-value}]\n"
                                  "      interactiveMode: Never\n      provideClusterInfo: true\n",
                                  "    certificate-authority-data: " + b64(kCaPem) + "\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  auto cfg = load(req);
  ASSERT_TRUE(cfg.user.exec);
  EXPECT_EQ(cfg.user.exec->command, (dir / "bin/plugin").string());
  lo::CredentialSource src(cfg);
  EXPECT_EQ(src.get().bearerToken.reveal(), "exec-token");
  std::ifstream in(seen);
  std::string info((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto j = nlohmann::json::parse(info);
  EXPECT_EQ(j["apiVersion"], "client.authentication.k8s.io/v1");
  EXPECT_EQ(j["kind"], "ExecCredential");
  EXPECT_EQ(j["spec"]["interactive"], false);
  EXPECT_EQ(j["spec"]["cluster"]["server"], "https://127.0.0.1:6443");
  EXPECT_EQ(j["spec"]["cluster"]["certificate-authority-data"], b64(kCaPem));
  std::ifstream args_in(dir / "seen-args");
  std::string args((std::istreambuf_iterator<char>(args_in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(args, "get-token extra-value");
}

TEST_F(Kubeconfig, ExecPluginV1beta1ClientCertificateAndExpiry) {
  // Each run counts itself and returns a certificate that expired already,
  // so every get() runs the plugin again.
  auto counter = dir / "runs";
  std::string cred = nlohmann::json{{"apiVersion", "client.authentication.k8s.io/v1beta1"},
                                    {"kind", "ExecCredential"},
                                    {"status",
                                     {{"clientCertificateData", kCertPem},
                                      {"clientKeyData", kKeyPem},
                                      {"expirationTimestamp", "2001-01-01T00:00:00Z"}}}}
                         .dump();
  write("plugin", "#!/bin/sh\necho run >> '" + counter.string() + "'\ncat <<'EOF'\n" + cred + "\nEOF\n", fs::perms(0700));
  auto f = write("k.yaml", simple("    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                                  "      command: " + (dir / "plugin").string() + "\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  lo::CredentialSource src(load(req));
  auto c1 = src.get();
  EXPECT_EQ(c1.clientCertificatePem.reveal(), kCertPem);
  EXPECT_EQ(c1.clientKeyPem.reveal(), kKeyPem);
  auto c2 = src.get();
  EXPECT_NE(c1.generation, c2.generation);
  std::ifstream in(counter);
  std::string runs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(runs, "run\nrun\n");
}

TEST_F(Kubeconfig, ExecPluginCachedUntilInvalidated) {
  auto counter = dir / "runs";
  write("plugin",
        "#!/bin/sh\necho run >> '" + counter.string() + "'\n"
        "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
        "\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"2999-01-01T00:00:00+02:00\"}}'\n",
        fs::perms(0700));
  auto f = write("k.yaml", simple("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: " +
                                  (dir / "plugin").string() + "\n      interactiveMode: IfAvailable\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  lo::CredentialSource src(load(req));
  auto c = src.get();
  src.get();
  src.get();
  EXPECT_TRUE(src.invalidate(c.generation));
  src.get();
  std::ifstream in(counter);
  std::string runs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(runs, "run\nrun\n");
}

TEST_F(Kubeconfig, ExecPluginErrorsNeverQuoteItsOutput) {
  write("plugin", "#!/bin/sh\necho 'not-json-but-a-secret-token-xyz'\n", fs::perms(0700));
  auto f = write("k.yaml", simple("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: " +
                                  (dir / "plugin").string() + "\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  lo::CredentialSource src(load(req));
  try {
    src.get();
    FAIL();
  } catch (const lo::Error& e) {
    std::string t = error_text(e);
    EXPECT_EQ(t.find("secret-token-xyz"), std::string::npos) << t;
    EXPECT_NE(t.find("users[0].user.exec"), std::string::npos) << t;
    EXPECT_NE(t.find("k.yaml"), std::string::npos) << t;
  }
}

TEST_F(Kubeconfig, ExecPluginWrongVersionAndMissingCommand) {
  write("plugin",
        "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
        "\"status\":{\"token\":\"t\"}}'\n",
        fs::perms(0700));
  auto f = write("k.yaml", simple("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: " +
                                  (dir / "plugin").string() + "\n"));
  lo::KubeconfigRequest req;
  req.path = f;
  lo::CredentialSource src(load(req));
  EXPECT_THROW(src.get(), lo::Error);

  auto g = write("g.yaml", simple("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                  "      command: no-such-plugin-anywhere\n      installHint: install it with brew\n"));
  req.path = g;
  lo::CredentialSource missing(load(req));
  try {
    missing.get();
    FAIL();
  } catch (const lo::Error& e) {
    EXPECT_NE(error_text(e).find("install it with brew"), std::string::npos) << error_text(e);
  }
}

struct FieldCase {
  std::string user, cluster, field, what;
};

TEST_F(Kubeconfig, ErrorsNameTheFileAndTheField) {
  std::vector<FieldCase> cases = {
      {"    client-certificate-data: " + b64(kCertPem) + "\n    client-key-data: '%%%'\n", "", "users[0].user.client-key-data", "base64"},
      {"    client-certificate-data: " + b64(kCertPem) + "\n    client-key: missing.key\n", "", "users[0].user.client-key", "missing.key"},
      {"    client-certificate-data: " + b64(kCertPem) + "\n", "", "users[0].user.client-key", "is missing"},
      {"    client-certificate-data: " + b64("not pem") + "\n    client-key-data: " + b64(kKeyPem) + "\n", "",
       "users[0].user.client-certificate-data", "PEM"},
      {"    tokenFile: nowhere\n", "", "users[0].user.tokenFile", "nowhere"},
      {"    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}\n", "", "users[0].user.exec.apiVersion", "v1alpha1"},
      {"    token: t\n", "    certificate-authority: ca-missing.crt\n", "clusters[0].cluster.certificate-authority", "ca-missing.crt"},
      {"    auth-provider: {name: gcp}\n", "", "users[0].user.auth-provider", "not supported"},
  };
  for (const auto& c : cases) {
    auto f = write("bad.yaml", simple(c.user, c.cluster));
    lo::KubeconfigRequest req;
    req.path = f;
    try {
      load(req);
      ADD_FAILURE() << "no error for " << c.field;
    } catch (const lo::Error& e) {
      ASSERT_FALSE(e.problems().empty());
      const auto& where = e.problems().front().where;
      EXPECT_EQ(where.file, f.string()) << c.field;
      EXPECT_EQ(where.field, c.field);
      EXPECT_NE(error_text(e).find(c.what), std::string::npos) << error_text(e);
      EXPECT_GT(where.line, 0) << c.field;
    }
  }
}

TEST_F(Kubeconfig, ContextNamingAnUndefinedClusterOrUser) {
  auto f = write("k.yaml", "clusters: []\ncontexts:\n- name: a\n  context: {cluster: ghost}\ncurrent-context: a\n");
  lo::KubeconfigRequest req;
  req.path = f;
  try {
    load(req);
    FAIL();
  } catch (const lo::Error& e) {
    EXPECT_EQ(e.problems().front().where.field, "contexts[0].context.cluster");
    EXPECT_NE(error_text(e).find("ghost"), std::string::npos);
  }
  auto g = write("g.yaml", "clusters:\n- name: c\n  cluster: {server: 'https://h:1'}\n"
                           "contexts:\n- name: a\n  context: {cluster: c, user: nobody}\ncurrent-context: a\n");
  req.path = g;
  try {
    load(req);
    FAIL();
  } catch (const lo::Error& e) {
    EXPECT_EQ(e.problems().front().where.field, "contexts[0].context.user");
  }
}

TEST_F(Kubeconfig, InvalidYamlNamesTheLine) {
  auto f = write("k.yaml", "clusters:\n- name: c\n  cluster: [unclosed\n");
  lo::KubeconfigRequest req;
  req.path = f;
  try {
    load(req);
    FAIL();
  } catch (const lo::Error& e) {
    EXPECT_EQ(e.problems().front().where.file, f.string());
    EXPECT_GT(e.problems().front().where.line, 0);
  }
}

TEST(KubeconfigHelpers, Base64AndRfc3339) {
  EXPECT_EQ(lo::base64_decode("aGVsbG8="), std::optional<std::string>("hello"));
  EXPECT_EQ(lo::base64_decode("aGVs\nbG8="), std::optional<std::string>("hello"));
  EXPECT_EQ(lo::base64_decode("a$b"), std::nullopt);
  EXPECT_EQ(lo::base64_encode("hello"), "aGVsbG8=");
  for (std::string s : {"", "a", "ab", "abc", "abcd"}) EXPECT_EQ(lo::base64_decode(lo::base64_encode(s)), s);
  auto t = lo::parse_rfc3339("2024-05-01T10:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 1714557600);
  auto u = lo::parse_rfc3339("2024-05-01T12:00:00.123+02:00");
  ASSERT_TRUE(u);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*u), 1714557600);
  EXPECT_FALSE(lo::parse_rfc3339("2024-05-01 10:00"));
  EXPECT_FALSE(lo::parse_rfc3339("yesterday"));
}

// --- the server URL (kubectl lo build's LOK8S_USER_API_HOST/PORT, the client's base URL) ---

struct UrlCase {
  std::string url, scheme, host, port, path, url_host;
  bool port_explicit;
};

TEST(ServerUrl, HostPortAndPathOfEveryShape) {
  std::vector<UrlCase> cases = {
      {"https://1.2.3.4:6443", "https", "1.2.3.4", "6443", "", "1.2.3.4", true},
      {"https://api.example.com", "https", "api.example.com", "443", "", "api.example.com", false},
      {"http://api.example.com", "http", "api.example.com", "80", "", "api.example.com", false},
      {"https://api.example.com/", "https", "api.example.com", "443", "", "api.example.com", false},
      {"https://[::1]:6443", "https", "::1", "6443", "", "[::1]", true},
      {"https://[fd00:10:125::1]", "https", "fd00:10:125::1", "443", "", "[fd00:10:125::1]", false},
      {"https://[fe80::1%25eth0]:443", "https", "fe80::1%25eth0", "443", "", "[fe80::1%25eth0]", true},
      {"https://h:6443/path", "https", "h", "6443", "/path", "h", true},
      {"https://rancher.example.com/k8s/clusters/c-m-1/", "https", "rancher.example.com", "443",
       "/k8s/clusters/c-m-1", "rancher.example.com", false},
      {"https://[::1]:8443/a/b?x=1#f", "https", "::1", "8443", "/a/b", "[::1]", true},
      {"HTTPS://Host:06443", "https", "Host", "6443", "", "Host", true},
      {"https://user:pass@h:1", "https", "h", "1", "", "h", true},
      {"https://h:", "https", "h", "443", "", "h", false},
  };
  for (const auto& c : cases) {
    auto u = lo::parse_server_url(c.url);
    ASSERT_TRUE(u) << c.url;
    EXPECT_EQ(u->scheme, c.scheme) << c.url;
    EXPECT_EQ(u->host, c.host) << c.url;
    EXPECT_EQ(u->port, c.port) << c.url;
    EXPECT_EQ(u->portExplicit, c.port_explicit) << c.url;
    EXPECT_EQ(u->path, c.path) << c.url;
    EXPECT_EQ(u->url_host(), c.url_host) << c.url;
  }
}

TEST(ServerUrl, RejectsWhatIsNoServer) {
  for (std::string bad : {"", "1.2.3.4:6443", "api.example.com", "ftp://h", "https://", "https://:6443",
                          "https://[::1", "https://[]:1", "https://[::1]x", "https://[h.example.com]:1",
                          "https://::1:6443", "https://h:0", "https://h:65536", "https://h:12x", "https://h:123456",
                          "https://h o/", "unix:///run/k8s.sock"})
    EXPECT_FALSE(lo::parse_server_url(bad)) << bad;
}

TEST_F(Kubeconfig, ContextServerReadsNoUserAndFollowsTheContext) {
  // The first cluster is not the current context's (upstream B-12 took it);
  // the user names files that do not exist, which must not matter here.
  auto f = write("k.yaml",
                 "clusters:\n- name: first\n  cluster: {server: 'https://first:1'}\n"
                 "- name: mine\n  cluster: {server: 'https://[fd00::7]:6443', certificate-authority: gone.crt}\n"
                 "users:\n- name: u\n  user: {client-certificate: gone.crt, client-key: gone.key}\n"
                 "contexts:\n- name: a\n  context: {cluster: first, user: u}\n- name: b\n  context: {cluster: mine, user: u}\n"
                 "current-context: b\n");
  lo::KubeconfigRequest req;
  req.path = f;
  auto s = lo::load_context_server(req);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->server, "https://[fd00::7]:6443");
  EXPECT_EQ(s->contextName, "b");
  EXPECT_EQ(s->clusterName, "mine");
  EXPECT_EQ(s->clusterFile, f);
  req.context = "a";
  EXPECT_EQ(lo::load_context_server(req)->server, "https://first:1");
  req.context = "zzz";
  EXPECT_THROW(lo::load_context_server(req), lo::Error);
}

TEST_F(Kubeconfig, ContextServerWithoutAContextIsNothing) {
  lo::KubeconfigRequest req;
  req.path = write("empty.yaml", "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\ncurrent-context: \"\"\n");
  EXPECT_FALSE(lo::load_context_server(req));
  req.path = write("blank.yaml", "");
  EXPECT_FALSE(lo::load_context_server(req));
}

TEST_F(Kubeconfig, MalformedServerNamesTheFieldAndHidesUserInfo) {
  auto f = write("k.yaml", "clusters:\n- name: c\n  cluster: {server: 'https://admin:hunter2@[::1'}\n"
                           "contexts:\n- name: a\n  context: {cluster: c}\ncurrent-context: a\n");
  lo::KubeconfigRequest req;
  req.path = f;
  try {
    lo::load_context_server(req);
    FAIL();
  } catch (const lo::Error& e) {
    EXPECT_EQ(e.problems().front().where.file, f.string());
    EXPECT_EQ(e.problems().front().where.field, "clusters[0].cluster.server");
    EXPECT_EQ(error_text(e).find("hunter2"), std::string::npos) << error_text(e);
  }
}

TEST_F(Kubeconfig, FindFilesSaysWhyThereAreNone) {
  lo::KubeconfigRequest req;
  req.kubeconfigEnv = "";
  req.home = dir / "home";
  std::string why;
  EXPECT_TRUE(lo::find_kubeconfig_files(req, &why).empty());
  EXPECT_NE(why.find(".kube/config does not exist"), std::string::npos) << why;
  req.kubeconfigEnv = (dir / "a.yaml").string();
  EXPECT_TRUE(lo::find_kubeconfig_files(req, &why).empty());
  EXPECT_NE(why.find("none of the files in KUBECONFIG exists"), std::string::npos) << why;
  write("home/.kube/config", "");
  req.kubeconfigEnv = "";
  EXPECT_EQ(lo::find_kubeconfig_files(req).size(), 1u);
}

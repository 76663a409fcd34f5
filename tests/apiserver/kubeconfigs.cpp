#include "kubeconfigs.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace lotest {

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

void writeFileAtomic(const std::string& path, const std::string& content, unsigned mode) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, mode);  // the umask must not widen or narrow what we ask for
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(err));
    }
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + tmp + ": " + std::strerror(errno));
}

namespace {

// JSON string quoting is valid YAML double-quoted style.
std::string q(const std::string& s) { return nlohmann::json(s).dump(); }

// A kubeconfig with one cluster, user and context, all named lo-test.
std::string kubeconfig(const std::string& clusterFields, const std::string& userFields) {
  return "apiVersion: v1\n"
         "kind: Config\n"
         "clusters:\n"
         "- name: lo-test\n"
         "  cluster:\n" +
         clusterFields +
         "users:\n"
         "- name: lo-test\n"
         "  user:\n" +
         userFields +
         "contexts:\n"
         "- name: lo-test\n"
         "  context:\n"
         "    cluster: lo-test\n"
         "    user: lo-test\n"
         "    namespace: default\n"
         "current-context: lo-test\n"
         "preferences: {}\n";
}

std::string execScript(const std::string& token) {
  nlohmann::json cred = {{"apiVersion", "client.authentication.k8s.io/v1"},
                         {"kind", "ExecCredential"},
                         {"status", {{"token", token}}}};
  return "#!/bin/sh\n"
         "# Exec credential plugin of the lo test API server: prints the bearer token.\n"
         "cat <<'EOF'\n" +
         cred.dump() + "\nEOF\n";
}

}  // namespace

void writeClientFiles(const std::string& dir, const std::string& url, const Credentials& creds) {
  const std::string ca = dir + "/ca.crt", crt = dir + "/client.crt", key = dir + "/client.key",
                    tok = dir + "/token", exec = dir + "/exec-credential";
  writeFileAtomic(ca, creds.caCert, 0644);
  writeFileAtomic(crt, creds.clientCert, 0644);
  writeFileAtomic(key, creds.clientKey, 0600);
  writeFileAtomic(tok, creds.token, 0600);
  writeFileAtomic(exec, execScript(creds.token), 0700);

  const std::string server = "    server: " + q(url) + "\n";
  const std::string caData = server + "    certificate-authority-data: " + base64(creds.caCert) + "\n";
  const std::string caFile = server + "    certificate-authority: " + q(ca) + "\n";

  writeFileAtomic(dir + "/kubeconfig-cert.yaml",
                  kubeconfig(caData, "    client-certificate-data: " + base64(creds.clientCert) +
                                         "\n    client-key-data: " + base64(creds.clientKey) + "\n"),
                  0600);
  writeFileAtomic(dir + "/kubeconfig-certfile.yaml",
                  kubeconfig(caFile, "    client-certificate: " + q(crt) +
                                         "\n    client-key: " + q(key) + "\n"),
                  0600);
  writeFileAtomic(dir + "/kubeconfig-token.yaml",
                  kubeconfig(caData, "    token: " + q(creds.token) + "\n"), 0600);
  writeFileAtomic(dir + "/kubeconfig-tokenfile.yaml",
                  kubeconfig(caData, "    tokenFile: " + q(tok) + "\n"), 0600);
  writeFileAtomic(dir + "/kubeconfig-exec.yaml",
                  kubeconfig(caData,
                             "    exec:\n"
                             "      apiVersion: client.authentication.k8s.io/v1\n"
                             "      command: " + q(exec) + "\n"
                             "      interactiveMode: Never\n"
                             "      provideClusterInfo: false\n"),
                  0600);
  writeFileAtomic(dir + "/kubeconfig-insecure.yaml",
                  kubeconfig(server + "    insecure-skip-tls-verify: true\n",
                             "    token: " + q(creds.token) + "\n"),
                  0600);
}

}  // namespace lotest

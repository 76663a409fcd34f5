// Writes the credentials and one kubeconfig per way of authenticating into
// the server's directory, so tests can pick the auth kind they exercise.
#pragma once

#include "certs.hpp"

#include <string>

namespace lotest {

// Writes ca.crt, client.crt, client.key, token, exec-credential and the
// kubeconfig-{cert,certfile,token,tokenfile,exec,insecure}.yaml files.
// `dir` must be absolute. Secrets and kubeconfigs are 0600.
void writeClientFiles(const std::string& dir, const std::string& url, const Credentials& creds);

// Writes `content` to `path` through a temporary file and a rename, so a
// reader never sees a half-written file. The file gets `mode`.
void writeFileAtomic(const std::string& path, const std::string& content, unsigned mode);

std::string base64(const std::string& data);

}  // namespace lotest

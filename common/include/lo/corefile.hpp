// CoreDNS Corefiles, as lo edits the one of a kind cluster: kubeadm's
// `.:53 { ... }` server block gains `import custom/*.override` and the top
// level `import custom/*.server`, so CoreDNS reads the files of the
// coredns-custom ConfigMap mounted at /etc/coredns/custom (imports resolve
// relative to the Corefile's folder, /etc/coredns).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace lo {

// `corefile` with both imports, each added only when missing, so that
// applying it twice changes nothing; everything else is kept as it is.
// Comments and quoted strings are skipped when reading the structure.
// Throws lo::Error when there is no `.:53` (or `.`) server block or the
// braces do not balance.
std::string corefile_with_imports(const std::string& corefile);

// What CoreDNS runs with: the Corefile and every custom file (name,
// content), as a short hash; another value means another configuration.
std::string corefile_config_hash(const std::string& corefile, const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace lo

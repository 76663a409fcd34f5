#include "lo/workspace.hpp"

#include <algorithm>
#include <cstdlib>

#include "lo/error.hpp"
#include "lo/fs.hpp"

namespace lo {
namespace fs = std::filesystem;

std::string Workspace::show(const fs::path& p) const { return display_path(p, root); }

Workspace find_workspace(const std::optional<std::string>& root_flag) {
  Workspace ws;
  std::error_code ec;
  const char* env_clusters = std::getenv("PATH_CLUSTERS");
  bool have_env_clusters = env_clusters && *env_clusters;
  if (root_flag) {
    ws.root = fs::absolute(*root_flag, ec).lexically_normal();
    if (!fs::is_directory(ws.root, ec))
      throw UsageError("--root " + *root_flag + ": no such folder");
  } else {
    fs::path dir = fs::current_path(ec);
    fs::path found;
    for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
      if (fs::is_directory(d / "clusters", ec)) {
        found = d;
        break;
      }
      if (d == d.root_path()) break;
    }
    if (found.empty()) {
      if (!have_env_clusters)
        throw Error("no lo project here: no folder from " + dir.string() +
                        " upwards has a clusters/ folder",
                    "run lo inside a project, pass --root DIR, or set PATH_CLUSTERS");
      found = dir;
    }
    ws.root = found;
  }
  if (have_env_clusters) {
    ws.clusters = fs::absolute(env_clusters, ec).lexically_normal();
  } else {
    ws.clusters = ws.root / "clusters";
  }
  if (!fs::is_directory(ws.clusters, ec))
    throw Error(Location{ws.clusters.string()}, "the clusters folder does not exist",
                have_env_clusters ? "PATH_CLUSTERS points at it; fix or unset PATH_CLUSTERS"
                                  : "create it, or pass --root to the project root");
  return ws;
}

namespace {

// Letters, digits, '.', '_' and '-', starting with a letter or digit, no "..".
// This keeps every name inside its parent folder and off the option syntax.
bool safe_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return name.find("..") == std::string::npos;
}

}  // namespace

void validate_domain_name(const std::string& name) {
  if (!safe_name(name))
    throw UsageError("invalid domain name '" + name + "'",
                     "a domain is a folder name under clusters/: letters, digits, '.', '-' and '_', "
                     "starting with a letter or digit, with no '/' or '..'");
}

void validate_target_name(const std::string& name) {
  if (!safe_name(name))
    throw UsageError("invalid target name '" + name + "'",
                     "a target is a folder name under targets/: letters, digits, '.', '-' and '_', "
                     "starting with a letter or digit, with no '/' or '..'");
}

static std::optional<DomainRef> domain_at(const fs::path& dir) {
  std::error_code ec;
  DomainRef ref;
  ref.name = dir.filename().string();
  ref.dir = dir;
  if (fs::is_regular_file(dir / kClusterSpecFile, ec)) {
    ref.spec_file = dir / kClusterSpecFile;
    ref.kind = DomainKind::Cluster;
    return ref;
  }
  if (fs::is_regular_file(dir / kDeploySpecFile, ec)) {
    ref.spec_file = dir / kDeploySpecFile;
    ref.kind = DomainKind::Deploy;
    return ref;
  }
  return std::nullopt;
}

std::vector<DomainRef> list_domains(const Workspace& ws) {
  std::vector<DomainRef> out;
  for (const auto& name : visible_subfolders(ws.clusters))
    if (auto ref = domain_at(ws.clusters / name)) out.push_back(std::move(*ref));
  return out;
}

std::optional<DomainRef> find_domain(const Workspace& ws, const std::string& name) {
  validate_domain_name(name);
  std::error_code ec;
  if (!fs::is_directory(ws.domain_dir(name), ec)) return std::nullopt;
  return domain_at(ws.domain_dir(name));
}

DomainRef require_domain(const Workspace& ws, const std::string& name) {
  if (auto ref = find_domain(ws, name)) return *ref;
  std::vector<std::string> names;
  for (const auto& d : list_domains(ws)) names.push_back(d.name);
  std::string known = join(names);
  std::error_code ec;
  bool folder = fs::is_directory(ws.domain_dir(name), ec);
  if (folder)
    throw Error(Location{ws.show(ws.domain_dir(name) / kClusterSpecFile)},
                "domain '" + name + "' has no spec: neither " + ws.show(ws.domain_dir(name) / kClusterSpecFile) + " nor " +
                    kDeploySpecFile + " exists",
                "write one (a Lo cluster of a lok8s.dev domain: 'kubectl lo init " + name + "'), or move the folder out of " +
                    ws.show(ws.clusters) + (known.empty() ? "" : "; known domains: " + known));
  throw Error("domain '" + name + "' not found in " + ws.show(ws.clusters),
              known.empty() ? "this project has no domains yet; create clusters/<domain>/cluster.lok8s.yaml (kubectl lo init)"
                            : "known domains: " + known);
}

std::optional<std::string> read_active_domain(const Workspace& ws) {
  std::error_code ec;
  fs::path file = ws.clusters / ".active";
  if (!fs::exists(file, ec)) return std::nullopt;
  std::string text = read_file(file, 4096);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (text.empty()) return std::nullopt;
  if (text.find('\n') != std::string::npos)
    throw Error(Location{ws.show(file)}, "holds more than one line", "run 'kubectl lo use DOMAIN' to reset it");
  try {
    validate_domain_name(text);
  } catch (const Error&) {
    throw Error(Location{ws.show(file)}, "holds an invalid domain name '" + text + "'",
                "run 'kubectl lo use DOMAIN' to reset it");
  }
  return text;
}

void write_active_domain(const Workspace& ws, const std::string& name) {
  validate_domain_name(name);
  write_file_atomic(ws.clusters / ".active", name + "\n");
}

std::string resolve_domain_name(const Workspace& ws, const std::optional<std::string>& explicit_domain) {
  if (explicit_domain && !explicit_domain->empty()) {
    validate_domain_name(*explicit_domain);
    return *explicit_domain;
  }
  if (auto active = read_active_domain(ws)) return *active;
  if (const char* env = std::getenv("DOMAIN_NAME"); env && *env) {
    std::string d = env;
    try {
      validate_domain_name(d);
    } catch (const Error&) {
      throw UsageError("DOMAIN_NAME holds an invalid domain name '" + d + "'");
    }
    return d;
  }
  return kDefaultDomain;
}

DomainChoice choose_domain(const Workspace& ws, const std::optional<std::string>& flag,
                           const std::vector<std::string>& positionals, bool targets_follow) {
  DomainChoice c;
  c.rest = positionals;
  std::optional<std::string> named;
  if (!positionals.empty()) {
    const std::string& first = positionals.front();
    bool is_domain = !targets_follow;
    if (targets_follow) {
      try {
        validate_domain_name(first);
        // A folder of clusters/ is meant as a domain, spec or not: without
        // one, require_domain names it and the missing file (it used to be
        // taken for a target of the default domain, which then was "not found").
        std::error_code ec;
        is_domain = find_domain(ws, first).has_value() || (!flag && fs::is_directory(ws.domain_dir(first), ec));
      } catch (const Error&) {
        is_domain = false;
      }
    }
    if (is_domain) {
      named = first;
      c.rest.erase(c.rest.begin());
    }
  }
  if (!targets_follow && c.rest.size() > 0)
    throw UsageError("too many arguments: " + c.rest.front(), "this command takes at most one DOMAIN");
  if (flag && named && *flag != *named)
    throw UsageError("two domains given: --domain " + *flag + " and " + *named, "name the domain once");
  c.domain = resolve_domain_name(ws, named ? named : flag);
  return c;
}

std::vector<std::string> list_targets(const Workspace& ws, const std::string& domain) {
  return visible_subfolders(ws.domain_dir(domain) / "targets");
}

std::vector<std::string> select_targets(const std::string& domain, const std::vector<std::string>& known,
                                        const std::vector<std::string>& asked, const std::string& none_hint) {
  std::vector<std::string> out;
  for (const auto& t : asked) {
    validate_target_name(t);
    if (std::find(known.begin(), known.end(), t) == known.end())
      throw Error("unknown target '" + t + "' in domain " + domain,
                  known.empty() ? none_hint : "known targets: " + join(known));
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

}  // namespace lo

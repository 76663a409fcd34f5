// Parsing of cluster.lok8s.yaml / deploy.lok8s.yaml: the envelope, the fields
// every cluster kind shares, the Deploy kind, and loading a domain's spec.
// Lo fields are in spec_lo.cpp, the production kinds in spec_production.cpp.
#include "lo/spec.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "lo/fs.hpp"
#include "spec_reader.hpp"

namespace lo {
using detail::SpecReader;

// A cluster spec is a few kilobytes; anything past this is not a spec.
constexpr size_t kMaxSpecBytes = 1 << 20;

const char* to_string(SpecKind k) {
  switch (k) {
    case SpecKind::Lo: return "Lo";
    case SpecKind::Capi: return "Capi";
    case SpecKind::KubeOne: return "KubeOne";
    case SpecKind::Kkp: return "Kkp";
    case SpecKind::Deploy: return "Deploy";
    case SpecKind::Custom: return "Custom";
  }
  return "?";
}

int Spec::line_of(const std::string& field) const {
  // The line of the field, else of its nearest parent that has one.
  std::string f = field;
  while (!f.empty()) {
    auto it = lines.find(f);
    if (it != lines.end()) return it->second;
    auto cut = f.find_last_of(".[");
    if (cut == std::string::npos) break;
    f = f.substr(0, cut);
  }
  return 0;
}

namespace detail {

std::vector<std::string> spec_keys_for(SpecKind kind) {
  std::vector<std::string> keys = {"kubernetes", "cluster", "provider", "bootstrap", "kubehz",
                                   "gitops",     "oidc",    "dns",      "runner"};
  auto add = [&](std::initializer_list<const char*> more) { keys.insert(keys.end(), more.begin(), more.end()); };
  switch (kind) {
    case SpecKind::Lo:
      add({"runtime", "network", "registries", "nodes", "loadBalancer", "coredns", "remote", "expose"});
      break;
    case SpecKind::Capi:
      add({"managementCluster", "credentials", "controlPlane", "workers", "hcloud", "hrobot", "aws", "etcd"});
      break;
    case SpecKind::KubeOne:
      add({"network", "registries", "controlPlane", "workers", "ssh", "addons", "datacenter", "aws"});
      break;
    case SpecKind::Kkp:
      add({"kkp", "workers"});
      break;
    case SpecKind::Deploy:
      return {"clusterRef", "domain", "namespace"};
    case SpecKind::Custom:
      // A custom driver may read any field; lo knows only the common ones
      // and the Lo-shaped ones drivers like k3s commonly reuse.
      add({"runtime", "network", "registries", "nodes", "loadBalancer", "coredns", "workers", "controlPlane"});
      break;
  }
  return keys;
}

void read_common(SpecReader& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  if (auto k = SpecReader::child(spec, "kubernetes"); r.map(k, "spec.kubernetes")) {
    r.known_keys(k, "spec.kubernetes", {"version"});
    s.kubernetesVersion = r.str(SpecReader::child(k, "version"), "spec.kubernetes.version");
    if (s.kubernetesVersion) {
      const std::string& v = *s.kubernetesVersion;
      // kindest/node tags: v1.32.2, optionally pinned with @sha256:...
      bool ok = v.size() > 1 && v[0] == 'v' && std::isdigit(static_cast<unsigned char>(v[1])) &&
                std::all_of(v.begin(), v.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
                         c == '@' || c == ':';
                });
      if (!ok)
        r.error(SpecReader::child(k, "version"), "spec.kubernetes.version",
                "'" + v + "' is not a Kubernetes version", "write it like v1.32.2");
    }
  }
  if (auto c = SpecReader::child(spec, "cluster"); r.map(c, "spec.cluster")) {
    r.known_keys(c, "spec.cluster", {"domain", "namespace"});
    s.domain = r.str(SpecReader::child(c, "domain"), "spec.cluster.domain");
    if (s.domain && !detail::is_dns_subdomain(*s.domain))
      r.error(SpecReader::child(c, "domain"), "spec.cluster.domain", "'" + *s.domain + "' is not a valid domain name",
              "lower-case letters, digits, '-' and '.', like example.com or 42.lok8s.dev");
    s.clusterNamespace = r.str(SpecReader::child(c, "namespace"), "spec.cluster.namespace");
    if (s.clusterNamespace && !detail::is_dns_label(*s.clusterNamespace))
      r.error(SpecReader::child(c, "namespace"), "spec.cluster.namespace",
              "'" + *s.clusterNamespace + "' is not a valid namespace name",
              "lower-case letters, digits and '-', at most 63 characters");
  }
  if (auto p = SpecReader::child(spec, "provider"); p.IsDefined() && !p.IsNull()) {
    if (s.kind == SpecKind::Kkp && p.IsScalar()) {
      s.provider.name = p.Scalar();
      s.provider.short_form = true;
      r.remember_line(p, "spec.provider");
    } else if (r.map(p, "spec.provider")) {
      r.known_keys(p, "spec.provider", {"name", "config", "configRef", "credentials"});
      auto name = SpecReader::child(p, "name");
      s.provider.name = r.str(name, "spec.provider.name");
      auto cfg = SpecReader::child(p, "config");
      s.provider.config = r.opaque(cfg, "spec.provider.config");
      if (s.provider.config && !s.provider.config->is_object() && !s.provider.config->is_null())
        r.error(cfg, "spec.provider.config", "must be a mapping");
      s.provider.configRef = r.str(SpecReader::child(p, "configRef"), "spec.provider.configRef");
      if (s.provider.config && s.provider.configRef)
        r.error(SpecReader::child(p, "configRef"), "spec.provider.configRef",
                "config and configRef are mutually exclusive", "keep the inline config or the file reference, not both");
      if (auto cr = SpecReader::child(p, "credentials"); r.map(cr, "spec.provider.credentials")) {
        r.known_keys(cr, "spec.provider.credentials", {"envVars", "secretRef"});
        s.provider.credentialEnvVars = r.str_list(SpecReader::child(cr, "envVars"), "spec.provider.credentials.envVars");
        s.provider.credentialSecretRef = r.str(SpecReader::child(cr, "secretRef"), "spec.provider.credentials.secretRef");
      }
    }
    if (s.provider.name) {
      const std::string& n = *s.provider.name;
      bool ok = !n.empty() && std::isalnum(static_cast<unsigned char>(n[0])) &&
                std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
      if (!ok)
        r.error(p.IsScalar() ? p : SpecReader::child(p, "name"), "spec.provider.name",
                "'" + n + "' is not a valid provider name", "letters, digits, '-' and '_', like hetzner");
    }
  }
  read_bootstrap(r, spec);
  if (auto k = SpecReader::child(spec, "kubehz"); r.map(k, "spec.kubehz")) {
    r.known_keys(k, "spec.kubehz", {"hosting", "access", "apiUrl"});
    s.kubehz.hosting = r.one_of(SpecReader::child(k, "hosting"), "spec.kubehz.hosting", {"self", "hosted"});
    s.kubehz.access = r.one_of(SpecReader::child(k, "access"), "spec.kubehz.access", {"none", "registered", "managed"});
    s.kubehz.apiUrl = r.https_url(SpecReader::child(k, "apiUrl"), "spec.kubehz.apiUrl");
    bool needs_url = (s.kubehz.hosting && *s.kubehz.hosting == "hosted") || (s.kubehz.access && *s.kubehz.access != "none");
    if (needs_url && !SpecReader::child(k, "apiUrl").IsDefined())
      r.error(k, "spec.kubehz.apiUrl", "is required when hosting is hosted or access is not none");
    if (s.kind == SpecKind::Lo && s.kubehz.hosting && *s.kubehz.hosting == "hosted" && !SpecReader::child(spec, "runner").IsDefined())
      r.error(k, "spec.kubehz.hosting", "hosting: hosted with kind Lo requires spec.runner");
  }
  if (auto g = SpecReader::child(spec, "gitops"); r.map(g, "spec.gitops")) {
    r.known_keys(g, "spec.gitops", {"provider", "repo", "branch", "path", "secretRef"});
    s.gitops.provider = r.one_of(SpecReader::child(g, "provider"), "spec.gitops.provider", {"flux", "argo"});
    s.gitops.repo = r.str(SpecReader::child(g, "repo"), "spec.gitops.repo");
    s.gitops.branch = r.str(SpecReader::child(g, "branch"), "spec.gitops.branch");
    s.gitops.path = r.str(SpecReader::child(g, "path"), "spec.gitops.path");
    s.gitops.secretRef = r.str(SpecReader::child(g, "secretRef"), "spec.gitops.secretRef");
  }
  if (auto o = SpecReader::child(spec, "oidc"); r.map(o, "spec.oidc")) {
    r.known_keys(o, "spec.oidc", {"issuer", "clientID", "usernameClaim", "usernamePrefix", "groupsClaim",
                                  "groupsPrefix", "caBundle", "enabled", "issuerUrl"});
    s.oidc.issuer = r.https_url(SpecReader::child(o, "issuer"), "spec.oidc.issuer");
    s.oidc.clientID = r.str(SpecReader::child(o, "clientID"), "spec.oidc.clientID");
    s.oidc.usernameClaim = r.str(SpecReader::child(o, "usernameClaim"), "spec.oidc.usernameClaim");
    s.oidc.usernamePrefix = r.str(SpecReader::child(o, "usernamePrefix"), "spec.oidc.usernamePrefix");
    s.oidc.groupsClaim = r.str(SpecReader::child(o, "groupsClaim"), "spec.oidc.groupsClaim");
    s.oidc.groupsPrefix = r.str(SpecReader::child(o, "groupsPrefix"), "spec.oidc.groupsPrefix");
    s.oidc.caBundle = r.str(SpecReader::child(o, "caBundle"), "spec.oidc.caBundle");
    if (s.oidc.caBundle && s.oidc.caBundle->find("BEGIN CERTIFICATE") == std::string::npos)
      r.error(SpecReader::child(o, "caBundle"), "spec.oidc.caBundle", "must be a PEM certificate bundle");
    s.oidc.enabled = r.boolean(SpecReader::child(o, "enabled"), "spec.oidc.enabled");
    s.oidc.issuerUrl = r.https_url(SpecReader::child(o, "issuerUrl"), "spec.oidc.issuerUrl");
    // Half of issuer/clientID is an error (upstream turned OIDC off without a
    // word). Judged by what is written, so an http:// issuer is one error,
    // not also "without issuer".
    auto written = [&](const char* k) {
      auto n = SpecReader::child(o, k);
      return n.IsDefined() && !n.IsNull();
    };
    if (written("issuer") != written("clientID") && !SpecReader::child(o, "enabled").IsDefined()) {
      bool issuer = written("issuer");
      r.error(SpecReader::child(o, issuer ? "issuer" : "clientID"), issuer ? "spec.oidc.issuer" : "spec.oidc.clientID",
              issuer ? "is set without spec.oidc.clientID: OIDC needs both" : "is set without spec.oidc.issuer: OIDC needs both",
              "set both to turn OIDC on (issuer: your identity provider's https:// URL, clientID: the audience of its "
              "tokens), or remove spec.oidc to leave it off");
    }
  }
  if (auto d = SpecReader::child(spec, "dns"); r.map(d, "spec.dns")) {
    r.known_keys(d, "spec.dns", {"domainFilter"});
    s.dnsDomainFilter = r.str(SpecReader::child(d, "domainFilter"), "spec.dns.domainFilter");
  }
  if (auto run = SpecReader::child(spec, "runner"); r.map(run, "spec.runner")) {
    r.known_keys(run, "spec.runner", {"type", "location"});
    s.runner = r.opaque(run, "spec.runner");
  }
}

void read_deploy(SpecReader& r, const YAML::Node& spec) {
  Spec& s = r.spec();
  auto ref = SpecReader::child(spec, "clusterRef");
  if (r.map(ref, "spec.clusterRef")) {
    s.hasClusterRef = true;
    r.known_keys(ref, "spec.clusterRef", {"domain"});
    s.clusterRefDomain = r.str(SpecReader::child(ref, "domain"), "spec.clusterRef.domain");
    if (!s.clusterRefDomain)
      r.error(ref, "spec.clusterRef.domain", "is required", "name the cluster domain this deploys to");
    else if (!detail::is_dns_subdomain(*s.clusterRefDomain))
      r.error(SpecReader::child(ref, "domain"), "spec.clusterRef.domain",
              "'" + *s.clusterRefDomain + "' is not a valid domain name");
  } else if (!ref.IsDefined() || ref.IsNull()) {
    r.error(spec, "spec.clusterRef", "is required", "add spec.clusterRef.domain: <cluster domain>");
  }
  s.deployDomain = r.str(SpecReader::child(spec, "domain"), "spec.domain");
  s.deployNamespace = r.str(SpecReader::child(spec, "namespace"), "spec.namespace");
  if (s.deployNamespace && !detail::is_dns_label(*s.deployNamespace))
    r.error(SpecReader::child(spec, "namespace"), "spec.namespace",
            "'" + *s.deployNamespace + "' is not a valid namespace name");
}

}  // namespace detail

namespace {

SpecKind kind_of(const std::string& k) {
  if (k == "Lo") return SpecKind::Lo;
  if (k == "Capi") return SpecKind::Capi;
  if (k == "KubeOne") return SpecKind::KubeOne;
  if (k == "Kkp") return SpecKind::Kkp;
  if (k == "Deploy") return SpecKind::Deploy;
  return SpecKind::Custom;
}

void read_envelope(SpecReader& r, const YAML::Node& root) {
  Spec& s = r.spec();
  r.known_keys(root, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  auto av = SpecReader::child(root, "apiVersion");
  s.apiVersion = r.str(av, "apiVersion");
  if (!av.IsDefined() || av.IsNull())
    r.error(root, "apiVersion", "is required", std::string("add apiVersion: ") + kSpecApiVersion);
  else if (s.apiVersion && *s.apiVersion != kSpecApiVersion)
    r.error(av, "apiVersion", "'" + *s.apiVersion + "' is not supported", std::string("use ") + kSpecApiVersion);

  auto kind = SpecReader::child(root, "kind");
  auto k = r.str(kind, "kind");
  if (!kind.IsDefined() || kind.IsNull()) {
    r.error(root, "kind", "is required", "Lo, Capi, KubeOne or Kkp in cluster.lok8s.yaml; Deploy in deploy.lok8s.yaml");
  } else if (k) {
    s.kindText = *k;
    s.kind = kind_of(*k);
    bool safe = !k->empty() && std::isalpha(static_cast<unsigned char>((*k)[0])) &&
                std::all_of(k->begin(), k->end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    if (s.kind == SpecKind::Custom && !safe)
      r.error(kind, "kind", "'" + *k + "' is not a valid kind",
              "Lo, Capi, KubeOne, Kkp, Deploy, or the name of a custom driver (letters and digits)");
  }

  auto md = SpecReader::child(root, "metadata");
  if (r.map(md, "metadata")) {
    r.known_keys(md, "metadata", {"name", "labels", "annotations"});
    auto name = SpecReader::child(md, "name");
    s.name = r.str(name, "metadata.name");
    if (!name.IsDefined() || name.IsNull())
      r.error(md, "metadata.name", "is required", "the cluster name, e.g. local");
    else if (s.name && !detail::is_dns_label(*s.name))
      r.error(name, "metadata.name", "'" + *s.name + "' is not a valid name",
              "lower-case letters, digits and '-', at most 63 characters (it names the kind cluster and files)");
    for (const char* which : {"labels", "annotations"}) {
      auto m = SpecReader::child(md, which);
      std::string path = std::string("metadata.") + which;
      if (!r.map(m, path)) continue;
      auto& dest = std::string(which) == "labels" ? s.labels : s.annotations;
      for (const auto& kv : m) {
        if (!kv.first.IsScalar()) continue;
        if (auto v = r.str(kv.second, path + "." + kv.first.Scalar())) dest[kv.first.Scalar()] = *v;
      }
    }
  } else if (!md.IsDefined() || md.IsNull()) {
    r.error(root, "metadata.name", "is required", "add metadata: {name: <cluster name>}");
  }
  if (SpecReader::child(root, "status").IsDefined())
    r.warn(SpecReader::child(root, "status"), "status", "is written by the operator; lo ignores it in a spec file");
}

}  // namespace

Spec parse_spec(const std::string& text, const std::string& file) {
  Spec s;
  s.file = file;
  Diagnostics diags;
  if (text.size() > kMaxSpecBytes)
    throw Error(Location{file}, "file is too large for a spec (" + std::to_string(text.size()) + " bytes)",
                "a cluster spec is a few kilobytes; check that this is the right file");
  if (text.find('\0') != std::string::npos)
    throw Error(Location{file}, "file contains NUL bytes; it is not a YAML text file");
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::DeepRecursion& e) {
    throw Error(Location{file, "", e.mark.line + 1, e.mark.column + 1}, "YAML is nested too deeply");
  } catch (const YAML::Exception& e) {
    throw Error(Location{file, "", e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg,
                "check the indentation and quoting around this line");
  }
  docs.erase(std::remove_if(docs.begin(), docs.end(), [](const YAML::Node& d) { return !d.IsDefined() || d.IsNull(); }),
             docs.end());
  if (docs.empty()) throw Error(Location{file}, "file is empty", "a spec needs apiVersion, kind, metadata.name and spec");
  if (docs.size() > 1)
    throw Error(Location{file, "", docs[1].Mark().line + 1, 0}, "holds more than one YAML document",
                "a spec file holds exactly one spec");
  const YAML::Node& root = docs[0];
  if (!root.IsMap())
    throw Error(Location{file, "", root.Mark().line + 1, root.Mark().column + 1},
                "must be a mapping with apiVersion, kind, metadata and spec");

  SpecReader r(s, diags);
  read_envelope(r, root);
  auto spec = SpecReader::child(root, "spec");
  if (r.map(spec, "spec")) {
    r.known_keys(spec, "spec", detail::spec_keys_for(s.kind));
    if (s.kind == SpecKind::Deploy) {
      detail::read_deploy(r, spec);
    } else {
      detail::read_common(r, spec);
      if (s.kind == SpecKind::Lo || s.kind == SpecKind::Custom) detail::read_lo(r, spec);
      if (s.kind == SpecKind::Capi || s.kind == SpecKind::KubeOne || s.kind == SpecKind::Kkp ||
          s.kind == SpecKind::Custom)
        detail::read_production(r, spec);
      if (!s.domain && (!SpecReader::child(spec, "cluster").IsDefined() ||
                        !SpecReader::child(SpecReader::child(spec, "cluster"), "domain").IsDefined()))
        r.error(spec, "spec.cluster.domain", "is required", "the cluster's domain; it must equal the folder name");
    }
  } else if (!spec.IsDefined() || spec.IsNull()) {
    r.error(root, "spec", "is required",
            s.kind == SpecKind::Deploy ? "add spec.clusterRef.domain" : "add spec.cluster.domain");
  }
  diags.throw_if_errors();
  s.warnings = diags.warnings();
  return s;
}

Spec load_spec_file(const std::filesystem::path& path, const std::string& shown) {
  std::string text;
  try {
    text = read_file(path, kMaxSpecBytes);
  } catch (const Error& e) {
    auto p = e.problems();
    for (auto& x : p) x.where.file = shown;
    throw Error(std::move(p));
  }
  return parse_spec(text, shown);
}

LoadedDomain load_domain(const Workspace& ws, const std::string& name) {
  LoadedDomain d{require_domain(ws, name), {}};
  std::string shown = ws.show(d.ref.spec_file);
  d.spec = load_spec_file(d.ref.spec_file, shown);
  Diagnostics diags;
  if (d.ref.kind == DomainKind::Deploy && d.spec.kind != SpecKind::Deploy)
    diags.error(Location{shown, "kind", d.spec.line_of("kind")}, "a deploy.lok8s.yaml must have kind Deploy, not " + d.spec.kindText,
                "move a cluster spec to cluster.lok8s.yaml");
  if (d.ref.kind == DomainKind::Cluster && d.spec.kind == SpecKind::Deploy)
    diags.error(Location{shown, "kind", d.spec.line_of("kind")}, "kind Deploy belongs in deploy.lok8s.yaml",
                "rename the file to deploy.lok8s.yaml");
  if (d.spec.kind != SpecKind::Deploy && d.spec.domain && *d.spec.domain != name)
    diags.error(Location{shown, "spec.cluster.domain", d.spec.line_of("spec.cluster.domain")},
                "is '" + *d.spec.domain + "' but the folder is '" + name + "'",
                "the folder under clusters/ must be named after spec.cluster.domain; rename one of them");
  diags.throw_if_errors();
  return d;
}

}  // namespace lo

// Lo defaulting rules. Expected values are derived from the rules in the
// seeds and the upstream reference §2, not from running the code.
#include <gtest/gtest.h>

#include "lo/defaults.hpp"
#include "lo/spec_env.hpp"

namespace {

lo::EffectiveSpec eff(const std::string& domain, const std::string& extra = "", const std::string& name = "local") {
  std::string text = "apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: " + name +
                     "\nspec:\n  cluster:\n    domain: " + domain + "\n" + extra;
  return lo::effective_spec(lo::parse_spec(text, "c.yaml"));
}

std::vector<lo::Problem> errors(const std::string& domain, const std::string& extra) {
  try {
    eff(domain, extra);
  } catch (const lo::Error& e) {
    return e.problems();
  }
  return {};
}

const lo::Registry& reg(const lo::EffectiveSpec& e, const std::string& name) {
  for (const auto& r : e.registries)
    if (r.name == name) return r;
  throw std::runtime_error("no registry " + name);
}

TEST(Slot, FromDomain) {
  EXPECT_EQ(lo::slot_from_domain("lok8s.dev"), 125);
  EXPECT_EQ(lo::slot_from_domain("1.lok8s.dev"), 1);
  EXPECT_EQ(lo::slot_from_domain("2.lok8s.dev"), 2);
  EXPECT_EQ(lo::slot_from_domain("42.lok8s.dev"), 42);
  EXPECT_EQ(lo::slot_from_domain("125.lok8s.dev"), 125);
  EXPECT_EQ(lo::slot_from_domain("199.lok8s.dev"), 199);
  for (const char* none : {"200.lok8s.dev", "0.lok8s.dev", "042.lok8s.dev", "0125.lok8s.dev", "1000.lok8s.dev",
                           "99999999999999999999.lok8s.dev", "a.42.lok8s.dev", "42.lok8s.dev.", "LOK8S.DEV",
                           "api.lok8s.dev", "test-50.lok8s.dev", "+5.lok8s.dev", "example.com", ""})
    EXPECT_EQ(lo::slot_from_domain(none), 0) << none;
}

TEST(Defaults, WorkedDefaultSetForLok8sDev) {
  auto e = eff("lok8s.dev");
  const auto& s = e.spec;
  EXPECT_EQ(e.slot, 125);
  EXPECT_EQ(s.network.name, "local");
  EXPECT_EQ(s.network.cidr, "10.125.125.0/24");
  EXPECT_EQ(s.nodes.controlPlane, 1);
  EXPECT_EQ(s.nodes.workers, 0);
  EXPECT_EQ(s.nodes.hostPorts, true);
  EXPECT_EQ(s.nodes.maxConcurrentDownloads, 3);
  EXPECT_EQ(s.nodes.dockerSocket, false);  // the host's Docker only on request
  EXPECT_TRUE(s.nodes.extraMounts->empty());
  EXPECT_EQ(s.loadBalancerPool, "10.125.125.125-10.125.125.150");
  EXPECT_EQ(s.runtime, "kind");
  ASSERT_EQ(s.bootstrap->size(), 1u);
  EXPECT_EQ((*s.bootstrap)[0].name, "cilium");
  EXPECT_EQ(s.kubernetesVersion, lo::kDefaultK8sVersion);
  EXPECT_EQ(s.registries.tls, true);
  EXPECT_EQ(s.registries.sharedEnabled, true);
  EXPECT_EQ(s.registries.sharedNetworkName, "lok8s-registries");
  EXPECT_EQ(s.registries.sharedNetworkCidr, "10.125.200.0/24");
  ASSERT_EQ(e.registries.size(), 6u);
  struct Want { const char* name; const char* ip; const char* host; const char* up; const char* container; const char* net; };
  const Want want[] = {
      {"build", "10.125.125.101", "lok8s.local", "", "local-registry-build", "local"},
      {"cache", "10.125.125.102", "lok8s.cache", "", "local-registry-cache", "local"},
      {"io-docker", "10.125.200.2", "docker.io", "https://registry-1.docker.io", "lok8s-registry-io-docker", "lok8s-registries"},
      {"io-quay", "10.125.200.3", "quay.io", "https://quay.io", "lok8s-registry-io-quay", "lok8s-registries"},
      {"io-k8s", "10.125.200.4", "registry.k8s.io", "https://registry.k8s.io", "lok8s-registry-io-k8s", "lok8s-registries"},
      {"io-ghcr", "10.125.200.5", "ghcr.io", "https://ghcr.io", "lok8s-registry-io-ghcr", "lok8s-registries"},
  };
  for (size_t i = 0; i < 6; ++i) {
    const auto& r = e.registries[i];
    EXPECT_EQ(r.name, want[i].name);
    EXPECT_EQ(r.ip.str(), want[i].ip);
    EXPECT_EQ(r.hostname, want[i].host);
    EXPECT_EQ(r.upstream, want[i].up);
    EXPECT_EQ(r.container, want[i].container);
    EXPECT_EQ(r.network, want[i].net);
    EXPECT_EQ(r.port, 443);
  }
  EXPECT_EQ(e.registries[0].role, lo::RegistryRole::Build);
  EXPECT_EQ(e.registries[1].role, lo::RegistryRole::Cache);
  EXPECT_EQ(e.registries[2].role, lo::RegistryRole::Mirror);
}

class SlotDomain : public ::testing::TestWithParam<int> {};

TEST_P(SlotDomain, DerivesNetworkPoolAndRegistriesFromTheSlot) {
  int n = GetParam();
  std::string p = "10.125." + std::to_string(n) + ".";
  auto e = eff(std::to_string(n) + ".lok8s.dev", "", "c" + std::to_string(n));
  EXPECT_EQ(e.slot, n);
  EXPECT_EQ(e.spec.network.name, "c" + std::to_string(n));
  EXPECT_EQ(e.spec.network.cidr, p + "0/24");
  EXPECT_EQ(e.spec.loadBalancerPool, p + "125-" + p + "150");
  EXPECT_EQ(e.spec.nodes.hostPorts, n == 125);
  EXPECT_EQ(reg(e, "build").ip.str(), p + "101");
  EXPECT_EQ(reg(e, "cache").ip.str(), p + "102");
  EXPECT_EQ(reg(e, "io-docker").ip.str(), "10.125.200.2");
  EXPECT_EQ(reg(e, "io-ghcr").ip.str(), "10.125.200.5");
  EXPECT_EQ(reg(e, "build").container, "c" + std::to_string(n) + "-registry-build");
}

INSTANTIATE_TEST_SUITE_P(Slots, SlotDomain, ::testing::Values(1, 2, 42, 125, 199));

TEST(Defaults, SlotDomainWithOneNetworkFieldDerivesTheOther) {
  auto e = eff("42.lok8s.dev", "  network:\n    name: mynet\n");
  EXPECT_EQ(e.spec.network.cidr, "10.125.42.0/24");
  e = eff("42.lok8s.dev", "  network:\n    cidr: 10.125.42.0/24\n");
  EXPECT_EQ(e.spec.network.name, "local");
}

TEST(Defaults, NonSlotDomainWithNetworkGetsDomainIndependentDefaults) {
  auto e = eff("prod.example.com", "  network:\n    name: prod\n    cidr: 192.168.1.0/24\n", "prod");
  EXPECT_EQ(e.slot, 0);
  EXPECT_FALSE(e.spec.loadBalancerPool.has_value());
  EXPECT_FALSE(e.pool.has_value());
  EXPECT_EQ(e.spec.nodes.hostPorts, false);
  EXPECT_EQ(reg(e, "build").ip.str(), "192.168.1.101");
  EXPECT_EQ(reg(e, "cache").ip.str(), "192.168.1.102");
  EXPECT_EQ(reg(e, "io-docker").ip.str(), "10.125.200.2");
  EXPECT_EQ(reg(e, "io-ghcr").ip.str(), "10.125.200.5");
  EXPECT_EQ(reg(e, "build").container, "prod-registry-build");
}

TEST(Defaults, NonSlotDomainWithoutNetworkIsAnError) {
  auto ps = errors("test.lok8s.dev", "");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0].where.field, "spec.network.name");
  EXPECT_EQ(ps[1].where.field, "spec.network.cidr");
  EXPECT_NE(ps[0].hint.find("N.lok8s.dev"), std::string::npos);
}

TEST(Defaults, LargerNetworksCarryAcrossOctets) {
  auto e = eff("big.example.com", "  network:\n    name: big\n    cidr: 172.20.0.0/16\n");
  EXPECT_EQ(reg(e, "build").ip.str(), "172.20.0.101");
}

TEST(Defaults, NonSharedMirrorsLiveOnTheProjectNetwork) {
  auto e = eff("50.lok8s.dev", "  network:\n    name: lok8s-test\n  registries:\n    shared:\n      enabled: false\n");
  EXPECT_EQ(reg(e, "io-docker").ip.str(), "10.125.50.103");
  EXPECT_EQ(reg(e, "io-quay").ip.str(), "10.125.50.104");
  EXPECT_EQ(reg(e, "io-k8s").ip.str(), "10.125.50.105");
  EXPECT_EQ(reg(e, "io-ghcr").ip.str(), "10.125.50.106");
  EXPECT_EQ(reg(e, "io-docker").container, "lok8s-test-registry-io-docker");
  EXPECT_EQ(reg(e, "io-docker").network, "lok8s-test");
  EXPECT_FALSE(reg(e, "io-docker").shared);
}

TEST(Defaults, TlsOffMeansPort80) {
  auto e = eff("lok8s.dev", "  registries:\n    tls: false\n");
  for (const auto& r : e.registries) EXPECT_EQ(r.port, 80);
}

TEST(Defaults, CustomMirrorsTakeTheirHostFromTheUrl) {
  auto e = eff("lok8s.dev",
               "  registries:\n    mirrors:\n      - name: corp\n        url: https://mirror.example.com:5000/v2/path\n"
               "      - name: plain\n        url: http://10.0.0.5\n      - name: io-docker\n        url: https://mirror.gcr.io\n");
  ASSERT_EQ(e.registries.size(), 5u);
  EXPECT_EQ(reg(e, "corp").hostname, "mirror.example.com:5000");
  EXPECT_EQ(reg(e, "corp").ip.str(), "10.125.200.2");
  EXPECT_EQ(reg(e, "plain").hostname, "10.0.0.5");
  // Well-known names serve their registry whatever the URL.
  EXPECT_EQ(reg(e, "io-docker").hostname, "docker.io");
  EXPECT_EQ(reg(e, "io-docker").upstream, "https://mirror.gcr.io");
}

TEST(Defaults, TwoMirrorsForOneHostAreAnError) {
  auto ps = errors("lok8s.dev",
                   "  registries:\n    mirrors:\n      - {name: a, url: https://quay.io}\n      - {name: io-quay, url: https://quay.io}\n");
  ASSERT_FALSE(ps.empty());
  EXPECT_NE(ps[0].what.find("serves quay.io"), std::string::npos);
}

TEST(Defaults, ValidationUpstreamOnlyPrintedIsAnError) {
  EXPECT_FALSE(errors("42.lok8s.dev", "  network:\n    cidr: 10.125.43.0/24\n").empty());  // derived pool now outside
  EXPECT_FALSE(errors("42.lok8s.dev", "  loadBalancer:\n    pool: 10.125.42.250-10.125.43.10\n").empty());
  EXPECT_FALSE(errors("42.lok8s.dev", "  registries:\n    shared:\n      network:\n        cidr: 10.125.200.0/30\n").empty());
  // 24 non-shared mirrors reach .125, the first pool address.
  std::string many = "  registries:\n    shared:\n      enabled: false\n    mirrors:\n";
  for (int i = 0; i < 24; ++i) many += "      - {name: m" + std::to_string(i) + ", url: https://r" + std::to_string(i) + ".io}\n";
  auto ps = errors("42.lok8s.dev", many);
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_NE(ps[0].what.find("10.125.42.125"), std::string::npos);
}

TEST(Defaults, LegacyRegistryIpsMustMatchTheDerivedOnes) {
  auto e = eff("lok8s.dev", "  registries:\n    baseIP: 10.125.200.0\n    buildIP: 10.125.125.101\n    cacheIP: 10.125.125.102\n");
  EXPECT_EQ(e.spec.warnings.size(), 3u);
  auto ps = errors("lok8s.dev", "  registries:\n    cacheIP: 10.125.125.9\n");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].where.field, "spec.registries.cacheIP");
}

TEST(Defaults, NonSharedNetworkNamedLok8sWouldClashWithSharedMirrors) {
  auto ps = errors("42.lok8s.dev", "  network:\n    name: lok8s\n  registries:\n    shared:\n      enabled: false\n");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].where.field, "spec.network.name");
}

TEST(Defaults, GatewayTargetNeedsAPool) {
  auto ps = errors("x.example.com", "  network:\n    name: x\n    cidr: 10.1.0.0/24\n  coredns:\n    hosts:\n      - {name: x.dev, target: gateway}\n");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].where.field, "spec.coredns.hosts[0].target");
}

TEST(Defaults, ExplicitValuesAreKept) {
  auto e = eff("lok8s.dev",
               "  kubernetes:\n    version: v1.31.4\n  nodes:\n    controlPlane: 2\n    workers: 2\n    hostPorts: false\n"
               "    maxConcurrentDownloads: 1\n  bootstrap: []\n  loadBalancer:\n    pool: 10.125.125.200-10.125.125.210\n");
  EXPECT_EQ(e.spec.kubernetesVersion, "v1.31.4");
  EXPECT_EQ(e.spec.nodes.controlPlane, 2);
  EXPECT_EQ(e.spec.nodes.hostPorts, false);
  EXPECT_EQ(e.spec.nodes.maxConcurrentDownloads, 1);
  EXPECT_TRUE(e.spec.bootstrap->empty());
  EXPECT_EQ(e.pool->first.str(), "10.125.125.200");
}

TEST(Defaults, EffectiveSpecRoundTripsAndIsStable) {
  auto e = eff("42.lok8s.dev");
  auto again = lo::effective_spec(lo::parse_spec(lo::spec_to_json(e.spec).dump(), "c.yaml"));
  EXPECT_EQ(lo::spec_to_json(again.spec), lo::spec_to_json(e.spec));
  EXPECT_TRUE(again.spec.warnings.empty());
}

TEST(SpecVariables, FromTheEffectiveSpec) {
  auto vars = lo::spec_variables(eff("42.lok8s.dev"));
  std::map<std::string, std::string> m(vars.begin(), vars.end());
  EXPECT_EQ(m["LOK8S_SPEC_CLUSTER_NAME"], "local");
  EXPECT_EQ(m["LOK8S_SPEC_CLUSTER_DOMAIN"], "42.lok8s.dev");
  EXPECT_EQ(m["LOK8S_SPEC_CLUSTER_NAMESPACE"], "default");
  EXPECT_EQ(m["LOK8S_SPEC_NETWORK_SUBNET"], "10.125.42.0/24");
  EXPECT_EQ(m["LOK8S_SPEC_NETWORK_BASE_IP"], "10.125.42.0");
  EXPECT_EQ(m["LOK8S_SPEC_LOADBALANCER_POOL"], "10.125.42.125-10.125.42.150");
  EXPECT_EQ(m["LOK8S_SPEC_LOADBALANCER_POOL_START"], "10.125.42.125");
  EXPECT_EQ(m["LOK8S_SPEC_LOADBALANCER_POOL_END"], "10.125.42.150");
  EXPECT_EQ(m["LOK8S_SPEC_REGISTRY_BUILD_HOST"], "lok8s.local");
  EXPECT_EQ(m["LOK8S_SPEC_REGISTRY_BUILD_IP"], "10.125.42.101");
  EXPECT_EQ(m["LOK8S_SPEC_REGISTRY_CACHE_IP"], "10.125.42.102");
  EXPECT_EQ(m["LOK8S_SPEC_OIDC_USERNAMECLAIM"], "sub");
  EXPECT_EQ(m["LOK8S_SPEC_KIND_PODSUBNET"], "10.244.0.0/16");
}

}  // namespace

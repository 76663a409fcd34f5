// The spec parser: what a user sees for good and bad cluster specs.
#include <gtest/gtest.h>

#include "lo/spec.hpp"

namespace {

const char* kHead = "apiVersion: cluster.lok8s.dev/v1beta1\nkind: Lo\nmetadata:\n  name: local\n";

lo::Spec parse(const std::string& body, const char* head = kHead) { return lo::parse_spec(head + body, "c.yaml"); }

std::vector<lo::Problem> errors_of(const std::string& text) {
  try {
    lo::parse_spec(text, "c.yaml");
  } catch (const lo::Error& e) {
    return e.problems();
  }
  return {};
}

bool has(const std::vector<lo::Problem>& ps, const std::string& field, const std::string& text) {
  for (const auto& p : ps)
    if (p.where.field == field && p.what.find(text) != std::string::npos) return true;
  return false;
}

TEST(Spec, MinimalLoSpecParses) {
  auto s = parse("spec:\n  cluster:\n    domain: lok8s.dev\n");
  EXPECT_EQ(s.kind, lo::SpecKind::Lo);
  EXPECT_EQ(s.name, "local");
  EXPECT_EQ(s.domain, "lok8s.dev");
  EXPECT_FALSE(s.network.name.has_value());
  EXPECT_FALSE(s.bootstrap.has_value());
  EXPECT_TRUE(s.warnings.empty());
}

TEST(Spec, EveryErrorOfAFileIsReportedWithFieldAndLine) {
  auto ps = errors_of(std::string(kHead) +
                      "spec:\n"                           // 5
                      "  cluster:\n"                      // 6
                      "    domain: 42.lok8s.dev\n"        // 7
                      "  runtime: docker\n"               // 8
                      "  nodes:\n"                        // 9
                      "    workers: many\n"              // 10
                      "  registries:\n"                   // 11
                      "    tls: maybe\n"                  // 12
                      "    mirrors:\n"                    // 13
                      "      - name: ok\n"                // 14
                      "        url: https://ok.io\n"      // 15
                      "      - name: Bad_Name\n"          // 16
                      "        url: https://x.io\n");
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_TRUE(has(ps, "spec.runtime", "'docker' is not allowed"));
  EXPECT_TRUE(has(ps, "spec.nodes.workers", "must be a whole number"));
  EXPECT_TRUE(has(ps, "spec.registries.tls", "must be true or false"));
  EXPECT_TRUE(has(ps, "spec.registries.mirrors[1].name", "invalid mirror name 'Bad_Name'"));
  for (const auto& p : ps) {
    EXPECT_EQ(p.where.file, "c.yaml");
    if (p.where.field == "spec.runtime") {
      EXPECT_EQ(p.where.line, 8);
    }
    if (p.where.field == "spec.nodes.workers") {
      EXPECT_EQ(p.where.line, 10);
    }
    if (p.where.field == "spec.registries.tls") {
      EXPECT_EQ(p.where.line, 12);
    }
    if (p.where.field == "spec.registries.mirrors[1].name") {
      EXPECT_EQ(p.where.line, 16);
    }
  }
}

TEST(Spec, UnknownFieldsWarnWithSuggestion) {
  auto s = parse("spec:\n  cluster:\n    domain: lok8s.dev\n  nodez:\n    workers: 2\n  registries:\n    tsl: false\n");
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_EQ(s.warnings[0].where.field, "spec.nodez");
  EXPECT_EQ(s.warnings[0].where.line, 8);
  EXPECT_NE(s.warnings[0].hint.find("did you mean 'nodes'?"), std::string::npos);
  EXPECT_EQ(s.warnings[1].where.field, "spec.registries.tsl");
  EXPECT_NE(s.warnings[1].hint.find("did you mean 'tls'?"), std::string::npos);
}

TEST(Spec, FieldsOfAnotherKindAreUnknown) {
  auto s = parse("spec:\n  cluster:\n    domain: lok8s.dev\n  managementCluster:\n    domain: x.io\n");
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].where.field, "spec.managementCluster");
}

TEST(Spec, OlderRegistryShapeIsNormalizedWithWarnings) {
  auto s = parse(
      "spec:\n  cluster:\n    domain: lok8s.dev\n  registries:\n    shared: false\n    network:\n      name: regs\n"
      "      subnet: 10.125.201.0/24\n    mirrors:\n      - name: build\n      - name: cache\n"
      "      - name: io-docker\n        url: https://registry-1.docker.io\n");
  EXPECT_EQ(s.registries.sharedEnabled, false);
  EXPECT_EQ(s.registries.sharedNetworkName, "regs");
  EXPECT_EQ(s.registries.sharedNetworkCidr, "10.125.201.0/24");
  ASSERT_TRUE(s.registries.mirrors.has_value());
  ASSERT_EQ(s.registries.mirrors->size(), 1u);
  EXPECT_EQ((*s.registries.mirrors)[0].name, "io-docker");
  EXPECT_EQ(s.warnings.size(), 5u);  // shared bool, name, subnet, build, cache
}

TEST(Spec, BuildMirrorWithUrlIsAnError) {
  auto ps = errors_of(std::string(kHead) +
                      "spec:\n  cluster:\n    domain: lok8s.dev\n  registries:\n    mirrors:\n"
                      "      - name: cache\n        url: https://cache.example.com\n");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].where.field, "spec.registries.mirrors[0].name");
  EXPECT_NE(ps[0].what.find("reserved"), std::string::npos);
}

TEST(Spec, BootstrapEntriesAreNamesPathsOrValueMaps) {
  auto s = parse(
      "spec:\n  cluster:\n    domain: lok8s.dev\n  bootstrap:\n    - cilium\n    - ./targets/net\n"
      "    - metallb:\n        speaker:\n          enabled: true\n");
  ASSERT_EQ(s.bootstrap->size(), 3u);
  EXPECT_EQ((*s.bootstrap)[1].name, "./targets/net");
  EXPECT_EQ((*s.bootstrap)[2].name, "metallb");
  EXPECT_EQ((*s.bootstrap)[2].values->at("speaker").at("enabled"), true);
}

TEST(Spec, DeploySpecNeedsClusterRef) {
  const char* head = "apiVersion: cluster.lok8s.dev/v1beta1\nkind: Deploy\nmetadata:\n  name: api\n";
  auto s = lo::parse_spec(std::string(head) + "spec:\n  clusterRef:\n    domain: example.com\n  namespace: api\n", "d.yaml");
  EXPECT_EQ(s.clusterRefDomain, "example.com");
  EXPECT_EQ(s.deployNamespace, "api");
  auto ps = errors_of(std::string(head) + "spec:\n  namespace: api\n");
  EXPECT_TRUE(has(ps, "spec.clusterRef", "is required"));
  ps = errors_of(std::string(head) + "spec:\n  clusterRef: {}\n");
  EXPECT_TRUE(has(ps, "spec.clusterRef.domain", "is required"));
}

TEST(Spec, ProductionKindsParseTheirFields) {
  auto s = lo::parse_spec(
      "apiVersion: cluster.lok8s.dev/v1beta1\nkind: Capi\nmetadata:\n  name: prod\nspec:\n"
      "  kubernetes:\n    version: v1.31.10\n  cluster:\n    domain: prod.example.com\n"
      "  managementCluster:\n    domain: mgmt.example.com\n  hcloud:\n    region: fsn1\n    sshKeyName: k\n"
      "  controlPlane:\n    replicas: 3\n    type: cax21\n  workers:\n    general:\n      replicas: 3\n      type: cax21\n"
      "  gitops:\n    provider: flux\n    repo: https://github.com/x/y.git\n",
      "p.yaml");
  EXPECT_EQ(s.kind, lo::SpecKind::Capi);
  EXPECT_EQ(s.managementClusterDomain, "mgmt.example.com");
  EXPECT_EQ(s.controlPlaneReplicas, 3);
  ASSERT_EQ(s.workers->size(), 1u);
  EXPECT_EQ((*s.workers)[0].name, "general");
  EXPECT_EQ((*s.workers)[0].type, "cax21");
  EXPECT_TRUE(s.warnings.empty());

  auto k = lo::parse_spec(
      "apiVersion: cluster.lok8s.dev/v1beta1\nkind: Kkp\nmetadata:\n  name: t\nspec:\n  cluster:\n    domain: t.example.com\n"
      "  provider: hetzner\n  kkp:\n    apiUrl: https://kkp.example.com\n    projectId: p1\n    datacenter: fsn1\n"
      "  workers:\n    pool-a:\n      replicas: 2\n      flavor: cx21\n      autoscaler: {min: 1, max: 4}\n",
      "k.yaml");
  EXPECT_EQ(k.provider.name, "hetzner");
  EXPECT_EQ((*k.workers)[0].autoscalerMax, 4);
}

TEST(Spec, CapiWithoutManagementClusterIsSaasMode) {
  const std::string capi =
      "apiVersion: cluster.lok8s.dev/v1beta1\nkind: Capi\nmetadata:\n  name: saas\nspec:\n"
      "  kubernetes:\n    version: v1.31.10\n  cluster:\n    domain: saas.example.com\n  hcloud:\n    region: fsn1\n";
  auto s = lo::parse_spec(capi, "saas.yaml");
  EXPECT_FALSE(s.managementClusterDomain.has_value());
  EXPECT_TRUE(s.warnings.empty());
  EXPECT_TRUE(errors_of(capi).empty());
  // A managementCluster block must name its domain: that is no SaaS mode.
  auto ps = errors_of(capi + "  managementCluster:\n    local: true\n");
  EXPECT_TRUE(has(ps, "spec.managementCluster.domain", "is required when spec.managementCluster is set"));
}

TEST(Spec, CustomKindsAreAcceptedForExternalDrivers) {
  auto s = lo::parse_spec(
      "apiVersion: cluster.lok8s.dev/v1beta1\nkind: K3s\nmetadata:\n  name: dev\nspec:\n  kubernetes:\n"
      "    version: v1.31.10\n  cluster:\n    domain: dev.example.com\n  bootstrap:\n    - cilium\n",
      "k3s.yaml");
  EXPECT_EQ(s.kind, lo::SpecKind::Custom);
  EXPECT_EQ(s.kindText, "K3s");
}

TEST(Spec, RoundTripsThroughJson) {
  auto s = parse(
      "spec:\n  cluster:\n    domain: lok8s.dev\n  nodes:\n    workers: 2\n    extraMounts:\n"
      "      - hostPath: /data\n        containerPath: /data\n        readOnly: true\n"
      "  coredns:\n    hosts:\n      - name: x.dev\n        target: gateway\n");
  std::string again = lo::spec_to_json(s).dump();
  auto s2 = lo::parse_spec(again, "c.yaml");
  EXPECT_EQ(lo::spec_to_json(s2).dump(), again);
}

}  // namespace

// OIDC: an http:// issuer is one error (the "goes with clientID" check reads
// what is written, not what survived validation); half of issuer/clientID is
// an error naming the missing field (upstream turned OIDC off silently).
TEST(Spec, OidcHttpIssuerIsExactlyOneError) {
  auto ps = errors_of(std::string(kHead) +
                      "spec:\n  cluster:\n    domain: lok8s.dev\n  oidc:\n    issuer: http://id.example.com\n    clientID: kubectl\n");
  ASSERT_EQ(ps.size(), 1u) << (ps.empty() ? "" : ps[0].what);
  EXPECT_EQ(ps[0].where.field, "spec.oidc.issuer");
  EXPECT_NE(ps[0].what.find("must be an https:// URL, got 'http://id.example.com'"), std::string::npos) << ps[0].what;
  EXPECT_EQ(ps[0].where.line, 9);
}

TEST(Spec, OidcHalfSetIsAnErrorNamingTheMissingField) {
  auto ps = errors_of(std::string(kHead) + "spec:\n  cluster:\n    domain: lok8s.dev\n  oidc:\n    issuer: https://id.example.com\n");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].where.field, "spec.oidc.issuer");
  EXPECT_NE(ps[0].what.find("is set without spec.oidc.clientID"), std::string::npos) << ps[0].what;
  ps = errors_of(std::string(kHead) + "spec:\n  cluster:\n    domain: lok8s.dev\n  oidc:\n    clientID: kubectl\n");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].where.field, "spec.oidc.clientID");
  EXPECT_NE(ps[0].what.find("is set without spec.oidc.issuer"), std::string::npos) << ps[0].what;
  EXPECT_NE(ps[0].hint.find("remove spec.oidc"), std::string::npos);
  // both, or neither: fine
  auto s = parse("spec:\n  cluster:\n    domain: lok8s.dev\n  oidc:\n    issuer: https://id.example.com\n    clientID: kubectl\n");
  EXPECT_EQ(s.oidc.issuer, "https://id.example.com");
  EXPECT_NO_THROW(parse("spec:\n  cluster:\n    domain: lok8s.dev\n  oidc:\n    usernameClaim: email\n"));
}

TEST(Spec, DockerSocketIsABooleanOffByDefault) {
  auto s = parse("spec:\n  cluster:\n    domain: lok8s.dev\n  nodes:\n    dockerSocket: true\n");
  EXPECT_EQ(s.nodes.dockerSocket, true);
  EXPECT_FALSE(parse("spec:\n  cluster:\n    domain: lok8s.dev\n").nodes.dockerSocket.has_value());
  auto ps = errors_of(std::string(kHead) + "spec:\n  cluster:\n    domain: lok8s.dev\n  nodes:\n    dockerSocket: yes please\n");
  EXPECT_TRUE(has(ps, "spec.nodes.dockerSocket", "")) << (ps.empty() ? "no error" : ps[0].what);
}

// The ApplySet names and formats (KEP-3659 as kubectl implements them) and
// the order in which lo deletes the members of a set.
#include <gtest/gtest.h>

#include "lo/applyset.hpp"
#include "lo/delete_order.hpp"
#include "lo/version.hpp"

namespace as = lo::applyset;

// The expected IDs are the ones kubectl's own tests assert
// (pkg/cmd/apply/apply_test.go): a Secret parent "my-set" in namespace
// "test", and a cluster-scoped ApplySet "my-set" of group company.com.
TEST(ApplySet, IdIsWhatKubectlComputes) {
  EXPECT_EQ(as::set_id("my-set", "test", "Secret", ""), "applyset-0eFHV8ySqp7XoShsGvyWFQD3s96yqwHmzc4e0HR1dsY-v1");
  EXPECT_EQ(as::set_id("my-set", "", "ApplySet", "company.com"),
            "applyset-rhp1a-HVAVT_dFgyEygyA1BEB82HPp2o10UiFTpqtAs-v1");
  // Another name, namespace, kind or group is another set.
  EXPECT_NE(as::set_id("my-set", "test2", "Secret", ""), as::set_id("my-set", "test", "Secret", ""));
  EXPECT_NE(as::set_id("my-set", "test", "ConfigMap", ""), as::set_id("my-set", "test", "Secret", ""));
}

TEST(ApplySet, IdIsAValidLabelValue) {
  std::string id = as::set_id("lo.lok8s.dev.app", "default", "Secret", "");
  EXPECT_LE(id.size(), 63u);
  EXPECT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."), std::string::npos);
  EXPECT_EQ(id.find('='), std::string::npos);
}

TEST(ApplySet, GroupKindsAreSortedKindDotGroup) {
  std::set<as::GroupKind> kinds = {{"apps", "Deployment"}, {"", "ConfigMap"}, {"example.com", "Widget"}, {"", "Secret"}};
  std::string v = as::format_group_kinds(kinds);
  EXPECT_EQ(v, "ConfigMap,Deployment.apps,Secret,Widget.example.com");
  EXPECT_EQ(as::parse_group_kinds(v), kinds);
  EXPECT_TRUE(as::parse_group_kinds("").empty());
  // The first '.' splits kind from group.
  auto gk = as::parse_group_kind("Certificate.cert-manager.io");
  EXPECT_EQ(gk.kind, "Certificate");
  EXPECT_EQ(gk.group, "cert-manager.io");
}

TEST(ApplySet, AdditionalNamespacesLeaveOutTheParentsOwn) {
  EXPECT_EQ(as::format_namespaces({"default", "b", "a"}, "default"), "a,b");
  EXPECT_EQ(as::format_namespaces({"default"}, "default"), "");
  EXPECT_EQ(as::parse_namespaces("a,b"), (std::set<std::string>{"a", "b"}));
  EXPECT_TRUE(as::parse_namespaces("").empty());
}

TEST(ApplySet, ToolingNameIsBeforeTheLastSlash) {
  EXPECT_EQ(as::tooling_name("kubectl/v1.32.4"), "kubectl");
  EXPECT_EQ(as::tooling_name("lo/v0.1.0"), "lo");
  EXPECT_EQ(as::tooling_name("example.com/tool/v2"), "example.com/tool");
  EXPECT_EQ(as::tooling_name("helm"), "helm");
  EXPECT_EQ(as::tooling_value(), std::string("lo/v") + lo::kVersion);
}

TEST(ApplySet, ParentNamesAreValidAndDistinct) {
  EXPECT_EQ(as::parent_name("lok8s.dev", "app"), "lo.lok8s.dev.app");
  std::set<std::string> names;
  for (auto [d, t] : std::vector<std::pair<std::string, std::string>>{
           {"lok8s.dev", "App"}, {"lok8s.dev", "app_"}, {"lok8s.dev", "app-"}, {"Lok8s.dev", "app"},
           {"lok8s.dev", std::string(80, 'x')}, {std::string(250, 'd'), "t"}, {"lok8s.dev", "app"}}) {
    std::string n = as::parent_name(d, t);
    EXPECT_TRUE(as::dns_subdomain(n)) << n;
    names.insert(n);
  }
  EXPECT_EQ(names.size(), 7u);
}

TEST(DeleteOrder, ReverseOfTheDependencies) {
  using W = lo::DeleteWave;
  EXPECT_EQ(lo::delete_wave("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", false), W::Webhooks);
  EXPECT_EQ(lo::delete_wave("example.com", "Widget", true), W::CustomResources);
  EXPECT_EQ(lo::delete_wave("gateway.networking.k8s.io", "Gateway", true), W::CustomResources);
  EXPECT_EQ(lo::delete_wave("apiextensions.k8s.io", "CustomResourceDefinition", false), W::Definitions);
  EXPECT_EQ(lo::delete_wave("apps", "Deployment", true), W::Workloads);
  EXPECT_EQ(lo::delete_wave("batch", "CronJob", true), W::Workloads);
  EXPECT_EQ(lo::delete_wave("", "ConfigMap", true), W::NamespacedConfig);
  EXPECT_EQ(lo::delete_wave("", "Secret", true), W::NamespacedConfig);
  EXPECT_EQ(lo::delete_wave("rbac.authorization.k8s.io", "ClusterRole", false), W::ClusterConfig);
  EXPECT_EQ(lo::delete_wave("", "Namespace", false), W::Namespaces);
  // Workloads go before their ConfigMaps, CRs before their CRDs, namespaced
  // objects before their Namespace.
  EXPECT_LT(W::Workloads, W::NamespacedConfig);
  EXPECT_LT(W::CustomResources, W::Definitions);
  EXPECT_LT(W::NamespacedConfig, W::Namespaces);
  EXPECT_LT(W::ClusterConfig, W::Namespaces);
}

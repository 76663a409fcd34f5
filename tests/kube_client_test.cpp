// The pure parts of the Kubernetes client: paths, escaping, conflicts. The
// network parts are exercised end to end in tests/e2e/deploy.bats.
#include <gtest/gtest.h>

#include "lo/kube_client.hpp"

TEST(KubeClient, PathsForCoreGroupedNamespacedAndClusterResources) {
  lo::ResourceInfo cm{"", "v1", "ConfigMap", "configmaps", true};
  lo::ResourceInfo dep{"apps", "v1", "Deployment", "deployments", true};
  lo::ResourceInfo crd{"apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false};
  EXPECT_EQ(lo::KubeClient::object_path(cm, "team", "app-config"), "/api/v1/namespaces/team/configmaps/app-config");
  EXPECT_EQ(lo::KubeClient::collection_path(dep, "team"), "/apis/apps/v1/namespaces/team/deployments");
  EXPECT_EQ(lo::KubeClient::collection_path(dep, ""), "/apis/apps/v1/deployments");
  EXPECT_EQ(lo::KubeClient::object_path(crd, "ignored", "widgets.example.com"),
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");
  // RBAC names carry ':'; nothing in a name can break out of its segment.
  lo::ResourceInfo role{"rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false};
  EXPECT_EQ(lo::KubeClient::object_path(role, "", "system:x/../y?z"),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Ax%2F..%2Fy%3Fz");
  EXPECT_EQ(dep.type_name(), "deployment.apps");
  EXPECT_EQ(cm.type_name(), "configmap");
  EXPECT_EQ(dep.api_version(), "apps/v1");
  EXPECT_EQ(cm.api_version(), "v1");
}

TEST(KubeClient, UrlEscape) {
  EXPECT_EQ(lo::url_escape("metadata.name=web"), "metadata.name%3Dweb");
  EXPECT_EQ(lo::url_escape("a b&c"), "a%20b%26c");
  EXPECT_EQ(lo::url_escape("plain-name_1.2~"), "plain-name_1.2~");
}

TEST(KubeClient, ConflictsFromAStatus) {
  lo::Json details = lo::Json::parse(R"({"causes":[
      {"type":"FieldManagerConflict","message":"conflict with \"helm\" using v1","field":".data.owner"},
      {"type":"FieldManagerConflict","message":"conflict with \"kubectl-client-side-apply\"","field":".spec.replicas"},
      {"type":"FieldValueInvalid","message":"other","field":".x"}]})");
  lo::ApiError e(409, "Conflict", "Apply failed with 2 conflicts", details, "PATCH ...");
  auto c = lo::conflicts_of(e);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].field, ".data.owner");
  EXPECT_EQ(c[0].manager, "helm");
  EXPECT_EQ(c[1].manager, "kubectl-client-side-apply");
  lo::ApiError other(422, "Invalid", "bad", details, "PATCH ...");
  EXPECT_TRUE(lo::conflicts_of(other).empty());
}

TEST(KubeClient, AnUnreachableServerIsAnErrorAfterBoundedRetries) {
  lo::KubeConfig cfg;
  cfg.cluster.server = "https://127.0.0.1:1";  // nothing listens on port 1
  cfg.cluster.name = "nowhere";
  cfg.contextName = "ctx";
  lo::ClientOptions opts;
  opts.max_retries = 2;
  opts.backoff_base = std::chrono::milliseconds(1);
  lo::KubeClient client(cfg, opts);
  try {
    client.get_json("/version");
    FAIL() << "expected an error";
  } catch (const lo::ApiError& e) {
    EXPECT_EQ(e.status(), 0);
    EXPECT_NE(std::string(e.what()).find("cannot connect to the API server https://127.0.0.1:1"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(client.stats().requests, 3u);
  EXPECT_EQ(client.stats().retries, 2u);
}

TEST(KubeClient, InvalidApiVersionsNeverReachAUrl) {
  lo::KubeConfig cfg;
  cfg.cluster.server = "https://127.0.0.1:1";
  lo::KubeClient client(cfg);
  for (std::string v : {"../v1", "apps/../../x", "a b/v1", "apps/V1", "", "apps/"})
    EXPECT_THROW(client.find_resource(v, "X"), lo::Error) << v;
  EXPECT_EQ(client.stats().requests, 0u);
}

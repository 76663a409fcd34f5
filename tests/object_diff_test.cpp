// What `kubectl lo diff` shows of one object.
#include <gtest/gtest.h>

#include "lo/object_diff.hpp"

using Json = nlohmann::ordered_json;

namespace {

Json deployment(const char* image) {
  Json d = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"demo","uid":"u1","resourceVersion":"7","generation":2,
      "creationTimestamp":"2025-01-01T00:00:00Z",
      "managedFields":[{"manager":"lo","operation":"Apply","time":"2025-01-01T00:00:00Z"}]},
    "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"app","image":"x"}]}}},
    "status":{"readyReplicas":2}})");
  d["spec"]["template"]["spec"]["containers"][0]["image"] = image;
  return d;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(ObjectDiff, OnlyTheChangedLineOfAnImageChange) {
  Json before = deployment("nginx:1.0");
  Json after = deployment("nginx:1.1");
  after["metadata"]["resourceVersion"] = "8";
  after["metadata"]["generation"] = 3;
  after["metadata"]["managedFields"][0]["time"] = "2025-02-02T00:00:00Z";
  after["status"]["readyReplicas"] = 0;
  lo::DiffCounts c;
  std::string d = lo::object_diff(before, after, &c);
  EXPECT_EQ(c.removed, 1u) << d;
  EXPECT_EQ(c.added, 1u) << d;
  EXPECT_NE(d.find("-        - image: nginx:1.0\n"), std::string::npos) << d;
  EXPECT_NE(d.find("+        - image: nginx:1.1\n"), std::string::npos) << d;
  EXPECT_NE(d.find("--- live/apps.v1.Deployment.demo.web\n+++ merged/apps.v1.Deployment.demo.web\n"), std::string::npos);
  for (const char* hidden : {"managedFields", "resourceVersion", "generation", "creationTimestamp", "status", "uid"})
    EXPECT_EQ(d.find(hidden), std::string::npos) << hidden;
}

TEST(ObjectDiff, ServerOnlyChangesAreNoDiff) {
  Json before = deployment("nginx");
  Json after = deployment("nginx");
  after["metadata"]["resourceVersion"] = "99";
  after["status"] = Json::object();
  // Key order does not matter either.
  Json reordered = Json::object();
  for (auto it = after.rbegin(); it != after.rend(); ++it) reordered[it.key()] = it.value();
  EXPECT_EQ(lo::object_diff(before, reordered), "");
}

TEST(ObjectDiff, SecretValuesNeverAppear) {
  Json before = Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"d",
    "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"password\":\"c2VjcmV0LW9uZQ==\"}}"}},
    "data":{"password":"c2VjcmV0LW9uZQ==","same":"c2FtZS12YWx1ZQ==","gone":"Z29uZS12YWx1ZQ=="}})");
  Json after = before;
  after["data"]["password"] = "c2VjcmV0LXR3bw==";
  after["data"].erase("gone");
  after["data"]["new"] = "bmV3LXZhbHVl";
  after["stringData"] = {{"plain", "plain-text-secret"}};
  after["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{\"data\":{\"password\":\"c2VjcmV0LXR3bw==\"}}";
  std::string d = lo::object_diff(before, after);
  for (const char* value : {"c2VjcmV0LW9uZQ", "c2VjcmV0LXR3bw", "c2FtZS12YWx1ZQ", "Z29uZS12YWx1ZQ", "bmV3LXZhbHVl",
                            "plain-text-secret", "secret-one", "secret-two"})
    EXPECT_EQ(d.find(value), std::string::npos) << value << "\n" << d;
  EXPECT_NE(d.find("-  password: \"*** (before)\""), std::string::npos) << d;
  EXPECT_NE(d.find("+  password: \"*** (after)\""), std::string::npos) << d;
  EXPECT_NE(d.find("-  gone: \"***\""), std::string::npos) << d;
  EXPECT_NE(d.find("+  new: \"***\""), std::string::npos) << d;
  EXPECT_NE(d.find("   same: \"***\""), std::string::npos) << d;
  // A created or deleted Secret is masked all the same.
  std::string created = lo::object_diff(Json(), after);
  std::string deleted = lo::object_diff(before, Json());
  EXPECT_NE(created.find("--- /dev/null"), std::string::npos);
  EXPECT_NE(deleted.find("+++ /dev/null"), std::string::npos);
  for (const std::string& text : {created, deleted})
    for (const char* value : {"c2VjcmV0", "c2FtZS12YWx1ZQ", "Z29uZS12YWx1ZQ", "bmV3LXZhbHVl", "plain-text-secret"})
      EXPECT_EQ(text.find(value), std::string::npos) << value << "\n" << text;
  EXPECT_EQ(count(created, "\"***\""), 5u) << created;  // 3 data keys, 1 stringData, the annotation
}

TEST(ObjectDiff, NamesLikeKubectlDiff) {
  EXPECT_EQ(lo::diff_name(Json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}})")),
            "v1.Namespace.demo");
  EXPECT_EQ(lo::diff_name(deployment("x")), "apps.v1.Deployment.demo.web");
}

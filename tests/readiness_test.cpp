// Health judged from status, per kind, as a deploy waits on it.
#include <gtest/gtest.h>

#include "lo/readiness.hpp"

using lo::Health;
using Json = nlohmann::ordered_json;

namespace {

Json obj(const char* text) { return Json::parse(text); }

}  // namespace

TEST(Readiness, CrdNeedsEstablishedAndNamesAccepted) {
  auto crd = [](const char* est, const char* names, const char* reason = "InitialNamesAccepted") {
    Json o = {{"apiVersion", "apiextensions.k8s.io/v1"}, {"kind", "CustomResourceDefinition"}, {"metadata", {{"name", "x"}}}};
    o["status"]["conditions"] = Json::array();
    if (est) o["status"]["conditions"].push_back({{"type", "Established"}, {"status", est}, {"reason", reason}, {"message", "est msg"}});
    if (names) o["status"]["conditions"].push_back({{"type", "NamesAccepted"}, {"status", names}, {"message", "names msg"}});
    return o;
  };
  EXPECT_EQ(lo::judge_health(crd(nullptr, nullptr)).state, Health::InProgress);
  EXPECT_EQ(lo::judge_health(crd("False", "True", "Installing")).state, Health::InProgress);
  EXPECT_EQ(lo::judge_health(crd("True", nullptr)).state, Health::InProgress);
  EXPECT_EQ(lo::judge_health(crd("True", "True")).state, Health::Ready);
  auto clash = lo::judge_health(crd(nullptr, "False"));
  EXPECT_EQ(clash.state, Health::Failed);
  EXPECT_NE(clash.message.find("names msg"), std::string::npos);
  EXPECT_EQ(lo::judge_health(crd("False", "True", "Broken")).state, Health::Failed);
}

TEST(Readiness, DeploymentRollout) {
  Json d = obj(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":2},
                   "spec":{"replicas":3},"status":{"observedGeneration":1,"replicas":3,"updatedReplicas":3,
                   "availableReplicas":3,"conditions":[{"type":"Available","status":"True"}]}})");
  auto h = lo::judge_health(d);
  EXPECT_EQ(h.state, Health::InProgress);
  EXPECT_NE(h.message.find("generation 2"), std::string::npos);

  d["status"]["observedGeneration"] = 2;
  d["status"]["updatedReplicas"] = 1;
  d["status"]["conditions"].push_back({{"type", "Progressing"}, {"status", "True"}, {"reason", "ReplicaSetUpdated"},
                                       {"message", "ReplicaSet \"web-2\" is progressing."}, {"lastUpdateTime", "2030-01-01T00:00:00Z"}});
  h = lo::judge_health(d);
  EXPECT_EQ(h.state, Health::InProgress);
  EXPECT_NE(h.message.find("1 of 3 replicas updated"), std::string::npos) << h.message;
  EXPECT_NE(h.message.find("is progressing"), std::string::npos) << h.message;

  d["status"]["updatedReplicas"] = 3;
  d["status"]["replicas"] = 4;  // one old pod left
  EXPECT_EQ(lo::judge_health(d).state, Health::InProgress);
  d["status"]["replicas"] = 3;
  d["status"]["availableReplicas"] = 2;
  EXPECT_EQ(lo::judge_health(d).state, Health::InProgress);
  d["status"]["availableReplicas"] = 3;
  EXPECT_EQ(lo::judge_health(d).state, Health::Ready);
  d["status"]["conditions"][0]["status"] = "False";
  EXPECT_EQ(lo::judge_health(d).state, Health::InProgress);
}

TEST(Readiness, DeploymentDefaultsToOneReplicaAndFailsOnDeadline) {
  Json d = obj(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":1},
                   "spec":{},"status":{"observedGeneration":1}})");
  EXPECT_EQ(lo::judge_health(d).state, Health::InProgress);
  d["status"]["conditions"] = Json::array({{{"type", "Progressing"}, {"status", "False"}, {"reason", "ProgressDeadlineExceeded"},
                                            {"message", "ReplicaSet \"web-1\" has timed out progressing."}}});
  auto h = lo::judge_health(d);
  EXPECT_EQ(h.state, Health::Failed);
  EXPECT_NE(h.message.find("timed out progressing"), std::string::npos);
}

TEST(Readiness, ZeroReplicaDeploymentIsReadyWhenAvailable) {
  Json d = obj(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":1},"spec":{"replicas":0},
                   "status":{"observedGeneration":1,"conditions":[{"type":"Available","status":"True"}]}})");
  EXPECT_EQ(lo::judge_health(d).state, Health::Ready);
}

TEST(Readiness, StatefulSet) {
  Json s = obj(R"({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"generation":1},
                   "spec":{"replicas":2,"updateStrategy":{"type":"RollingUpdate"}},
                   "status":{"observedGeneration":1,"readyReplicas":2,"updatedReplicas":2,
                             "currentRevision":"a","updateRevision":"b"}})");
  EXPECT_EQ(lo::judge_health(s).state, Health::InProgress);
  s["status"]["currentRevision"] = "b";
  EXPECT_EQ(lo::judge_health(s).state, Health::Ready);
  s["status"]["readyReplicas"] = 1;
  EXPECT_EQ(lo::judge_health(s).state, Health::InProgress);
  // A partition only asks for the replicas above it.
  s["status"]["readyReplicas"] = 2;
  s["status"]["updatedReplicas"] = 1;
  s["status"]["currentRevision"] = "a";
  s["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 1;
  EXPECT_EQ(lo::judge_health(s).state, Health::Ready);
}

TEST(Readiness, DaemonSet) {
  Json d = obj(R"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"generation":3},
                   "status":{"observedGeneration":3,"desiredNumberScheduled":4,"updatedNumberScheduled":4,"numberAvailable":3}})");
  EXPECT_EQ(lo::judge_health(d).state, Health::InProgress);
  d["status"]["numberAvailable"] = 4;
  EXPECT_EQ(lo::judge_health(d).state, Health::Ready);
  d["status"]["observedGeneration"] = 2;
  EXPECT_EQ(lo::judge_health(d).state, Health::InProgress);
  Json fresh = obj(R"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"generation":1}})");
  EXPECT_EQ(lo::judge_health(fresh).state, Health::InProgress);
}

TEST(Readiness, Job) {
  Json j = obj(R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{"completions":1},
                   "status":{"active":1}})");
  auto h = lo::judge_health(j);
  EXPECT_EQ(h.state, Health::InProgress);
  EXPECT_NE(h.message.find("0 of 1 completions"), std::string::npos);
  j["status"]["conditions"] = Json::array({{{"type", "Complete"}, {"status", "True"}}});
  EXPECT_EQ(lo::judge_health(j).state, Health::Ready);
  j["status"]["conditions"] = Json::array({{{"type", "Failed"}, {"status", "True"}, {"reason", "BackoffLimitExceeded"},
                                            {"message", "Job has reached the specified backoff limit"}}});
  h = lo::judge_health(j);
  EXPECT_EQ(h.state, Health::Failed);
  EXPECT_NE(h.message.find("BackoffLimitExceeded"), std::string::npos);
  EXPECT_NE(h.message.find("backoff limit"), std::string::npos);
  Json suspended = obj(R"({"apiVersion":"batch/v1","kind":"Job","spec":{"suspend":true}})");
  EXPECT_EQ(lo::judge_health(suspended).state, Health::Ready);
}

TEST(Readiness, OtherKindsAreReadyOnceAppliedUnlessBeingDeleted) {
  EXPECT_EQ(lo::judge_health(obj(R"({"apiVersion":"v1","kind":"ConfigMap"})")).state, Health::Ready);
  EXPECT_EQ(lo::judge_health(obj(R"({"apiVersion":"example.com/v1","kind":"Widget","status":{}})")).state, Health::Ready);
  EXPECT_EQ(lo::judge_health(obj(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"deletionTimestamp":"2024-01-01T00:00:00Z"}})")).state,
            Health::InProgress);
  EXPECT_TRUE(lo::has_health_rule("apps", "Deployment"));
  EXPECT_TRUE(lo::has_health_rule("batch", "Job"));
  EXPECT_FALSE(lo::has_health_rule("", "Service"));
  EXPECT_FALSE(lo::has_health_rule("example.com", "Deployment"));
}

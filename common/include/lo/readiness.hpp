// Health of an object judged from its status, the way kapp and Flux
// (kstatus) do it for the kinds a deploy waits on:
//
//   CustomResourceDefinition  Ready when Established and NamesAccepted are
//                             True; Failed when NamesAccepted is False, or
//                             Established is False for another reason than
//                             Installing.
//   Deployment                Failed on Progressing=False with reason
//                             ProgressDeadlineExceeded. Ready when the
//                             controller observed the generation, every
//                             replica is updated, no old replica is left,
//                             all updated ones are available and Available
//                             is True.
//   StatefulSet               Ready when the generation is observed, ready
//                             and updated replicas reach spec.replicas (minus
//                             a rolling-update partition) and, without a
//                             partition, currentRevision == updateRevision.
//   DaemonSet                 Ready when the generation is observed and every
//                             desired pod is updated and available.
//   Job                       Ready on Complete=True (or when suspended);
//                             Failed on Failed=True.
//   anything else             Ready once applied.
//
// An object being deleted is InProgress. The message is what a user needs to
// see next to the object: the failing condition's message, or the progress
// counts and the newest condition message.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace lo {

enum class Health { InProgress, Ready, Failed };

struct HealthStatus {
  Health state = Health::InProgress;
  std::string message;
};

// `group` is the API group ("" for core, "apps", "batch", ...).
HealthStatus judge_health(const std::string& group, const std::string& kind, const nlohmann::ordered_json& object);
// Takes group and kind from the object's apiVersion and kind.
HealthStatus judge_health(const nlohmann::ordered_json& object);

// True for the kinds whose health is judged from status (the ones above),
// i.e. the ones a deploy waits for.
bool has_health_rule(const std::string& group, const std::string& kind);

}  // namespace lo

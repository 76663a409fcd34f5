// kubectl lo doctor: the checks (doctor_checks.cpp), each one a line of
// the report (doctor.cpp): ok, warn or fail, what was found, and the fix.
// A fail is only ever given by a check lo cannot work without; one fail
// makes doctor exit 1.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lo/defaults.hpp"
#include "lo/workspace.hpp"

namespace lo::cmd::doctor {

enum class Status { Ok, Warn, Fail };

struct Check {
  std::string name;    // "kubectl", "docker", "port 80", ...
  Status status = Status::Ok;
  std::string detail;  // what was found
  std::string fix;     // what to do (empty when ok)
};

// What the checks know of the project; every part may be missing.
struct Scene {
  std::optional<Workspace> ws;
  std::string domain;                 // the domain checked ("" outside a project)
  std::optional<EffectiveSpec> eff;   // its effective spec, a Lo domain whose spec is valid
  bool lo_domain = false;             // a Lo (kind) domain: Docker and kind are required
};

// The project layout: clusters/, .active, the spec files. Fills `scene`.
void project(const std::optional<std::string>& root, const std::optional<std::string>& domain_flag,
             const std::vector<std::string>& positionals, Scene& scene, std::vector<Check>& out);
// kubectl, docker (daemon and version), kind, tilt, helm.
void tools(const Scene& scene, std::vector<Check>& out, bool& docker_answers);
// The development CA: present, usable, trusted by the system store.
void ca(const Scene& scene, std::vector<Check>& out);
// Host ports 80, 443, 8080 when the domain maps them (spec.nodes.hostPorts).
void ports(const Scene& scene, bool docker_answers, std::vector<Check>& out);
// The domain's networks against Docker's networks and the host's routes.
void networks(const Scene& scene, bool docker_answers, std::vector<Check>& out);
// Free disk space where Docker keeps its images.
void disk(bool docker_answers, std::vector<Check>& out);

}  // namespace lo::cmd::doctor

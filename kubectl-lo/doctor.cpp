// kubectl lo doctor [DOMAIN] [-o json]: is this machine and project ready
// for lo? Each check (doctor_checks.cpp) gives ok, warn or fail with what it
// found and the fix. Exit 1 when a required check fails.
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "doctor.hpp"
#include "lo/log.hpp"
#include "lo/yaml_json.hpp"

namespace lo::cmd {

namespace {

const char* word(doctor::Status s) {
  switch (s) {
    case doctor::Status::Ok: return "ok";
    case doctor::Status::Warn: return "warn";
    case doctor::Status::Fail: return "fail";
  }
  return "?";
}

int doctor_cmd(const cli::Args& a) {
  std::string format = a.output("text");
  if (a.positionals().size() > 1) throw UsageError("too many arguments: " + a.positionals()[1], "doctor takes one DOMAIN");
  std::vector<doctor::Check> checks;
  doctor::Scene scene;
  bool docker_answers = false;
  doctor::project(a.get("root"), a.get("domain"), a.positionals(), scene, checks);
  doctor::tools(scene, checks, docker_answers);
  doctor::ca(scene, checks);
  doctor::ports(scene, docker_answers, checks);
  doctor::networks(scene, docker_answers, checks);
  doctor::disk(docker_answers, checks);

  size_t fails = 0, warns = 0;
  for (const auto& c : checks) {
    fails += c.status == doctor::Status::Fail;
    warns += c.status == doctor::Status::Warn;
  }
  if (format == "json") {
    Json list = Json::array();
    for (const auto& c : checks) {
      Json j{{"name", c.name}, {"status", word(c.status)}, {"detail", c.detail}};
      if (!c.fix.empty()) j["fix"] = c.fix;
      list.push_back(std::move(j));
    }
    Json out{{"domain", scene.domain.empty() ? Json(nullptr) : Json(scene.domain)}, {"ok", fails == 0}, {"checks", list}};
    std::cout << out.dump(2) << "\n";
  } else {
    size_t w = 0;
    for (const auto& c : checks) w = std::max(w, c.name.size());
    for (const auto& c : checks) {
      std::string status = word(c.status);
      std::string shown = c.status == doctor::Status::Ok ? log::green(status, true)
                          : c.status == doctor::Status::Warn ? log::yellow(status, true) : log::red(status, true);
      std::cout << shown << std::string(6 - status.size(), ' ') << c.name << std::string(w - c.name.size() + 2, ' ') << c.detail << "\n";
      if (!c.fix.empty()) std::cout << std::string(6 + w + 2, ' ') << "fix: " << c.fix << "\n";
    }
    std::cout << "\n" << (scene.domain.empty() ? std::string("no domain") : "domain " + scene.domain) << ": "
              << (fails ? std::to_string(fails) + " failed" : std::string("ready")) << (warns ? ", " + std::to_string(warns) + " warnings" : "")
              << ".\n";
  }
  return fails ? kExitFailure : kExitOk;
}

}  // namespace

const cli::Command doctor_command{
    .name = "doctor",
    .summary = "Check that this machine and project are ready for lo (tools, Docker, CA, ports, networks)",
    .usage = "[DOMAIN] [-o text|json]",
    .about = "Check what lo needs, each with ok, warn or fail and the fix: kubectl, the Docker daemon and its\n"
             "version, kind, Tilt and helm, the development CA (present, trusted), host ports 80/443/8080 when\n"
             "the domain maps them, the domain's networks against Docker's networks and the host's routes,\n"
             "disk space for images, and the project (clusters/, .active, the spec files). Exits 1 when a\n"
             "required check fails (Docker and kind are required for a Lo domain only).",
    .flags = [](cli::Options& o) {
      cli::domain_flag(o);
      cli::output_flag(o, {"text", "json"}, "json for a machine-readable report");
    },
    .run = doctor_cmd,
    .words = cli::Words::Domain,
};

}  // namespace lo::cmd

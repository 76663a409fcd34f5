// kubectl lo services [-o json|yaml]: the merged, checked service
// configuration with every default filled in (what the Tilt extension
// reads), or a table of the services and the image each one runs.
#include <iostream>

#include "commands.hpp"
#include "lo/cli.hpp"
#include "lo/log.hpp"
#include "lo/table.hpp"
#include "services.hpp"

namespace lo::cmd {
namespace {

struct ServicesOptions {
  std::optional<std::string> root;
  std::string format;
  services::Options load;
};

// The image a service's workloads run and where it comes from.
std::pair<std::string, std::string> image_of(const std::string& name, const Json& s, const std::vector<std::string>& components) {
  if (!s["enabled"].get<bool>()) return {"disabled", "-"};
  if (s.contains("image")) return {"pinned", s["image"].get<std::string>()};
  const Json& r = s["registry"];
  std::string prefix = r.value("prefix", std::string(services::kDefaultPrefix));
  if (s["build"].get<bool>()) {
    if (components.empty()) return {"built by Tilt", prefix + "/" + name};
    std::vector<std::string> refs;
    for (const auto& c : components) refs.push_back(prefix + "/" + c);
    return {"built by Tilt", join(refs)};
  }
  std::string endpoint = r.value("endpoint", std::string());
  if (endpoint.empty()) return {"none: build false and no registry.endpoint", prefix + "/" + name};
  for (const char* scheme : {"https://", "http://"})
    if (endpoint.rfind(scheme, 0) == 0) endpoint = endpoint.substr(std::string(scheme).size());
  std::string ref = endpoint;
  if (!r.value("branch", std::string()).empty()) ref += "/" + r["branch"].get<std::string>();
  ref += "/" + name;
  if (!r.value("tag", std::string()).empty()) ref += ":" + r["tag"].get<std::string>();
  return {"registry", ref};
}

void print_table(const Workspace& ws, const services::Services& s) {
  if (!s.found) {
    std::cout << "No services: " << ws.show(ws.root / "services.yaml") << " does not exist.\n";
    return;
  }
  std::vector<std::vector<std::string>> rows{{"NAME", "SOURCE", "IMAGE", "PATH"}};
  for (const auto& [name, svc] : s.doc["services"].items()) {
    auto it = s.components.find(name);
    auto [source, image] = image_of(name, svc, it == s.components.end() ? std::vector<std::string>{} : it->second);
    rows.push_back({name, source, image, svc["path"].get<std::string>()});
  }
  std::cout << format_table(rows);
  std::vector<std::string> shown;
  for (const auto& f : s.files) shown.push_back(ws.show(f));
  std::cout << "\nFrom " << join(shown) << ".\n";
}

int run_services(const ServicesOptions& o) {
  Workspace ws = find_workspace(o.root);
  Diagnostics diags;
  services::Services s = services::load(ws, o.load, diags);
  for (const auto& w : diags.warnings()) log::problem("kubectl lo services", w);
  diags.throw_if_errors();
  if (o.format == "json") std::cout << s.doc.dump(2) << "\n";
  else if (o.format == "yaml") std::cout << json_to_yaml(s.doc);
  else print_table(ws, s);
  return kExitOk;
}

int services(const cli::Args& a) {
  if (!a.positionals().empty()) throw UsageError("services takes no arguments, got '" + a.positionals()[0] + "'");
  ServicesOptions o;
  o.root = a.get("root");
  o.format = a.output("table");
  o.load = services::options_from_env();
  if (auto f = a.get("service-file")) {
    if (f->empty() || f->find('/') != std::string::npos)
      throw UsageError("--service-file '" + *f + "' must be a file name", "for example lok8s.yaml");
    o.load.service_file = *f;
  }
  return run_services(o);
}

}  // namespace

const cli::Command services_command{
    .name = "services",
    .summary = "Print the project's services (services.yaml, profiles, lok8s.yaml), checked",
    .usage = "[-o yaml|json]",
    .about = "Print the services of the project: services.yaml merged with services.default.yaml and\n"
             "services.<LOK8S_SERVICE_CONFIG>.yaml, checked (with each service's lok8s.yaml), every\n"
             "default filled in. Without -o, a table of the services and the image each one runs.",
    .flags =
        [](cli::Options& o) {
          cli::output_flag(o, {"yaml", "json", "table"}, "yaml or json: the whole effective configuration");
          o.add_options()("service-file", cli::text("NAME"), "name of each service's config file (default lok8s.yaml)");
        },
    .run = services,
};

}  // namespace lo::cmd

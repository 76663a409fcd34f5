// Finding a domain's provider, and the inventory it leaves for the drivers.
#include "providers/provider.hpp"

#include <unistd.h>

#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/log.hpp"
#include "lo/yaml_json.hpp"

namespace lo::provider {
namespace fs = std::filesystem;

fs::path state_dir(const Workspace& ws, const LoadedDomain& d) { return ws.domain_dir(d.ref.name) / ".provider"; }

fs::path inventory_file(const Workspace& ws, const LoadedDomain& d) { return state_dir(ws, d) / "inventory.json"; }

namespace {

void need_text(const Json& j, const char* key, const std::string& where, const std::string& shown) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty())
    throw Error(Location{shown, where + key}, "is required (a non-empty string) in the inventory",
                "the provider's output must be the standard inventory JSON: api, access, nodes, network");
}

}  // namespace

void check_inventory(const Json& inv, const std::string& shown) {
  if (!inv.is_object()) throw Error(Location{shown, {}}, "is not a JSON object", "the provider's output must be the standard inventory JSON");
  need_text(inv.value("api", Json()), "endpoint", "api.", shown);
  if (!inv.contains("access") || !inv["access"].is_array() || inv["access"].empty())
    throw Error(Location{shown, "access"}, "must list at least one way in (access[0]: user, port, privateKey)");
  if (!inv.contains("nodes") || !inv["nodes"].is_array() || inv["nodes"].empty())
    throw Error(Location{shown, "nodes"}, "must list the machines (name, role, public_ip, private_ip)");
  const Json& nodes = inv["nodes"];
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::string where = "nodes[" + std::to_string(i) + "].";
    need_text(nodes[i], "name", where, shown);
    need_text(nodes[i], "role", where, shown);
    need_text(nodes[i], "public_ip", where, shown);
  }
}

std::unique_ptr<Provider> provider_for(const Context& c) {
  const Spec& s = c.domain.spec;
  if (!s.provider.name) return nullptr;
  const std::string& name = *s.provider.name;
  // The project's own executable first (it may stand in for a built-in),
  // then the built-in providers, then an executable on PATH.
  std::string exe = "lo-provider-" + name;
  fs::path local = c.ws.root / ".lok8s" / "providers" / name / exe;
  if (::access(local.c_str(), X_OK) == 0) return external_provider(local);
  if (name == "hetzner") return hetzner_provider();
  if (auto p = find_program(exe)) return external_provider(*p);
  throw Error(Location{s.file, "spec.provider.name", s.line_of("spec.provider.name")},
              "no infrastructure provider '" + name + "': lo has none built in by that name, and no executable " + exe +
                  " is on PATH or at " + c.ws.show(local),
              "install " + exe + ", or drop it into " + c.ws.show(local.parent_path()) + "/");
}

void write_inventory(Provider& p, const Context& c, Runner& run) {
  fs::path file = inventory_file(c.ws, c.domain);
  // status and output read and change nothing: a dry run asks them too, so
  // an inventory that would not change is no step of the plan, as it is
  // none of the run. Machines not made yet: the plan cannot know their
  // addresses.
  if (run.dry_run() && p.status(c) == "NotFound") {
    run.plan_write("inventory of provider " + p.name(), file);
    return;
  }
  Json inv = p.output(c);
  check_inventory(inv, p.name() + " output");
  run.write_file("inventory of provider " + p.name(), file, inv.dump(2) + "\n");
}

}  // namespace lo::provider

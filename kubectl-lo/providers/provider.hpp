// The infrastructure provider contract (seeds: concepts, Infrastructure
// Providers): what makes the machines, networks and load balancers a driver
// installs Kubernetes on (KubeOne today; remote Lo later). A provider is
// named by spec.provider.name; its config is spec.provider.config (inline)
// or the file spec.provider.configRef names (relative to the domain folder).
//
// A built-in provider is a class behind this interface (hetzner). A name is
// served by, in this order: the project's executable
// <root>/.lok8s/providers/<name>/lo-provider-<name> (it may stand in for a
// built-in), the built-in of that name, an executable lo-provider-<name> on
// PATH. An executable is called as
//
//   lo-provider-<name> validate|provision|destroy|output|status <domain> <cluster_yaml>
//
// from the project root, with the driver variables (driver.hpp) and
// LOK8S_PROVIDER_NAME, LOK8S_PROVIDER_DIR (clusters/<domain>/.provider/, its
// state folder), PROVIDER_CONFIG_FILE (the config as a JSON or YAML file) in
// its environment. validate checks credentials and tools and changes
// nothing; provision makes what is missing (a re-run makes nothing twice);
// destroy removes what it made; output prints the standard inventory JSON
// on stdout; status prints one word (Running, NotFound, ...). Any other exit
// than 0 is a failure; the executable's own output is shown as it runs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "driver.hpp"

namespace lo::provider {

using driver::Context;

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string name() const = 0;
  // Credentials, tools, config: before anything is made. Throws lo::Error.
  virtual void validate(const Context& c) = 0;
  virtual void provision(const Context& c) = 0;
  virtual void destroy(const Context& c) = 0;
  // The standard inventory: {api, access, nodes, network}.
  virtual Json output(const Context& c) = 0;
  // One word: Running, NotFound, ...
  virtual std::string status(const Context& c) = 0;
};

// clusters/<domain>/.provider/: the provider's state folder.
std::filesystem::path state_dir(const Workspace& ws, const LoadedDomain& d);
// <state_dir>/inventory.json: the last output, what drivers read.
std::filesystem::path inventory_file(const Workspace& ws, const LoadedDomain& d);

// Checks an inventory's shape (api.endpoint, access[0], nodes with name,
// role, public_ip); throws lo::Error naming `shown` and the field.
void check_inventory(const Json& inv, const std::string& shown);

// The provider spec.provider.name names: a built-in, else the executable.
// nullptr when the spec names none; throws lo::Error when it names one
// that lo cannot find.
std::unique_ptr<Provider> provider_for(const Context& c);

// Runs `output`, checks it and writes it atomically to inventory_file
// (unchanged: no step). Under --dry-run the same, unless `status` says
// NotFound: then the write is planned.
void write_inventory(Provider& p, const Context& c, Runner& run);

// The executable form (external.cpp), for provider_for.
std::unique_ptr<Provider> external_provider(std::filesystem::path exe);

// The built-in providers: hetzner (hetzner.cpp, the Hetzner Cloud API).
std::unique_ptr<Provider> hetzner_provider();

}  // namespace lo::provider

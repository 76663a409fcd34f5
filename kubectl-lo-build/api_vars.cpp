#include "kubectl-lo-build/api_vars.hpp"

#include "lo/log.hpp"

namespace lo::build {

VarMap api_variables(const ServerUrl& url) {
  return {{std::string(kApiHost), url.host}, {std::string(kApiPort), url.port}};
}

BuildVariables::BuildVariables(VarMap base, Workspace ws, KubeconfigChoice choice)
    : base_(std::move(base)), ws_(std::move(ws)), choice_(std::move(choice)) {}

bool BuildVariables::derived(std::string_view name) const {
  return (name == kApiHost || name == kApiPort) && !base_.count(std::string(name));
}

bool BuildVariables::mentioned_in(std::string_view text) const {
  for (std::string_view name : {kApiHost, kApiPort})
    if (derived(name) && text.find(name) != std::string_view::npos) return true;
  return false;
}

bool BuildVariables::recorded_in(const std::map<std::string, std::optional<std::string>>& stamp_vars) const {
  for (const auto& [name, value] : stamp_vars)
    if (derived(name)) return true;
  return false;
}

const VarMap& BuildVariables::get(bool with_api) const {
  if (!with_api || (!derived(kApiHost) && !derived(kApiPort))) return base_;
  std::call_once(once_, [&] {
    full_ = base_;
    const std::string names = "LOK8S_USER_API_HOST/PORT";
    if (!choice_.passed_over.empty()) log::debug(1, choice_.passed_over);
    try {
      std::string why;
      std::vector<std::filesystem::path> files = find_kubeconfig_files(choice_.request, &why);
      if (files.empty()) {
        log::debug(1, names + " not set: no kubeconfig (" + why + ")");
        return;
      }
      std::string source = choice_.describe(ws_, files);
      std::optional<ContextServer> cs = load_context_server(choice_.request);
      if (!cs) {
        log::debug(1, names + " not set: " + source + " sets no current-context (no cluster yet?)");
        return;
      }
      std::optional<ServerUrl> url = parse_server_url(cs->server);  // load_context_server checked it
      for (auto& [k, v] : api_variables(*url)) {
        if (!full_.emplace(k, v).second) continue;  // exported: the user's value wins
        log::debug(1, k + "=" + v + " from " + source + " (context " + cs->contextName + ", cluster " +
                          cs->clusterName + ")");
      }
    } catch (const Error& e) {
      error_ = e;
    }
  });
  if (error_) throw *error_;
  return full_;
}

}  // namespace lo::build

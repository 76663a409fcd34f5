// What `kubectl lo up` shares with `kubectl lo tilt up`: the Tilt launch of
// a domain and "start it, or reload the one that runs".
#pragma once

#include <optional>
#include <string>

#include "tilt_runtime.hpp"

namespace lo::cmd {

// The launch of a domain's Tilt: the project Tiltfile, the kubeconfig of the
// domain's cluster (as deploy chooses it), the port rule.
tilt::Launch tilt_launch(const Workspace& ws, const std::string& domain, std::optional<int> port);

// Starts Tilt in the background and says where it is, or, when one already
// runs for the domain, asks it to reload. Throws when tilt or the Tiltfile
// is missing.
int tilt_up_or_attach(const tilt::Launch& l, bool dry_run);

}  // namespace lo::cmd

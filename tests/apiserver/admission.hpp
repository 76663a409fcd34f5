// Admission webhooks, as far as calling them can fail. The server never runs
// a webhook's logic (it has no pods to send the request to); what it models
// is the failure every installer meets: a webhook whose service has no ready
// endpoints yet, e.g. metallb's IPAddressPool applied right after its
// controller Deployment.
//
// On every create, update (apply and patches included) and delete of the
// main resource, each ValidatingWebhookConfiguration and
// MutatingWebhookConfiguration webhook whose rules match (operations,
// apiGroups, apiVersions, resources, scope), whose namespaceSelector and
// objectSelector (matchLabels, matchExpressions) match, and whose
// clientConfig names a service is "called". The call fails when the service
// does not exist ("service \"x\" not found") or has no ready endpoint: no
// Deployment, StatefulSet or DaemonSet in its namespace whose pod template
// labels carry the service's selector has a ready replica ("no endpoints
// available for service \"x\""). With failurePolicy Fail (the default) the
// write is refused like the real server refuses it:
//
//   500 InternalError: Internal error occurred: failed calling webhook "<name>":
//   failed to call webhook: Post "https://<svc>.<ns>.svc:<port><path>?timeout=<n>s":
//   no endpoints available for service "<svc>"
//
// failurePolicy Ignore admits. Webhooks with clientConfig.url, and writes to
// webhook configurations themselves, are admitted (as upstream never calls
// webhooks for those objects).
#pragma once

#include "resources.hpp"
#include "store.hpp"

#include <string>

namespace lotest {

// Throws ApiError 500 when a matching webhook cannot be called.
void admit(const Store& store, const ResourceType& type, const std::string& ns, const json& object,
           const std::string& operation);

}  // namespace lotest

// The KKP (Kubermatic Kubernetes Platform) REST API as the Kkp driver uses
// it: lo's REST API client (rest_api.hpp: HTTPS only, `Authorization: Bearer
// $KKP_TOKEN`, an optional CA file, Retry-After, errors as "KKP API: <METHOD>
// <path>: HTTP <status> <reason>: <KKP's message>" with the token redacted)
// with KKP's words.
#pragma once

#include <string>
#include <vector>

#include "rest_api.hpp"

namespace lo::driver {

using KkpEndpoint = RestEndpoint;

class KkpApi : public RestApi {
 public:
  // Throws lo::Error when the URL is not https://.
  KkpApi(const KkpEndpoint& endpoint, Secret token, std::vector<std::string> also_redact = {});
};

// KKP's error body {"error": {"code": 403, "message": "..."}}.
inline std::string kkp_error_message(const std::string& body) { return api_error_message(body); }

}  // namespace lo::driver

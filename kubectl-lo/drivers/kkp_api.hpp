// The KKP (Kubermatic Kubernetes Platform) REST API as the Kkp driver uses
// it: HTTPS only, `Authorization: Bearer $KKP_TOKEN`, an optional CA file.
//
// A RestApi (rest_api.hpp) with KKP's hints: a 429 waits the server's
// delay; 5xx answers and broken connections are retried a few times, except
// for a POST, which KKP may have acted on (the driver finds what it made
// instead). What KKP answers with an error is reported as "KKP API: <METHOD>
// <path>: HTTP <status> <reason>: <KKP's message>", with the token (and every
// other credential lo sent) replaced by <redacted> wherever the server echoed it.
#pragma once

#include <string>
#include <vector>

#include "rest_api.hpp"

namespace lo::driver {

using KkpEndpoint = ApiEndpoint;

class KkpApi : public RestApi {
 public:
  // Throws lo::Error when the URL is not https://.
  KkpApi(const KkpEndpoint& endpoint, Secret token, std::vector<std::string> also_redact = {});
};

}  // namespace lo::driver

#include "drivers/kkp_api.hpp"

namespace lo::driver {

namespace {

ApiProfile kkp_profile(const KkpEndpoint& endpoint) {
  ApiProfile p;
  p.service = "KKP API";
  p.token_name = "KKP_TOKEN";
  p.https_hint = "plain HTTP would send KKP_TOKEN in the clear; give the https:// URL of the KKP dashboard";
  p.unreachable_hint = "is " + endpoint.url + " reachable? (and, with a private CA, is spec.kkp.caCert or KKP_CA_CERT set?)";
  p.status_hint = [](long status) -> std::string {
    if (status == 401) return "KKP did not accept KKP_TOKEN; create a new service account token in the KKP project";
    if (status == 403) return "the token's service account lacks the rights for this in the project (editor or owner)";
    if (status == 429) return "KKP kept asking lo to slow down; try again later";
    if (status >= 500) return "KKP failed; run again (what KKP made anyway is found, not made twice), or look at KKP's API logs";
    return {};
  };
  p.options.max_in_flight = 2;
  p.options.max_retries = 5;
  p.options.retry_post = false;  // a create KKP may have made is found by name, never sent twice
  p.options.backoff_base = std::chrono::milliseconds(500);
  p.options.retry_after_max = std::chrono::seconds(120);
  p.options.request_timeout = std::chrono::seconds(60);
  return p;
}

}  // namespace

KkpApi::KkpApi(const KkpEndpoint& endpoint, Secret token, std::vector<std::string> also_redact)
    : RestApi(endpoint, kkp_profile(endpoint), std::move(token), std::move(also_redact)) {}

}  // namespace lo::driver

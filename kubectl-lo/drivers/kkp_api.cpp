#include "drivers/kkp_api.hpp"

namespace lo::driver {

namespace {

ApiProfile kkp_profile(const KkpEndpoint& endpoint) {
  ApiProfile p;
  p.service = "KKP API";
  p.token_name = "KKP_TOKEN";
  p.https_hint = "plain HTTP would send KKP_TOKEN in the clear; give the https:// URL of the KKP dashboard";
  p.unreachable_hint = "is " + endpoint.url + " reachable? (and, with a private CA, is spec.kkp.caCert or KKP_CA_CERT set?)";
  p.status_hint = cloud_status_hints(
      "KKP", "KKP did not accept KKP_TOKEN; create a new service account token in the KKP project",
      "the token's service account lacks the rights for this in the project (editor or owner)",
      "KKP failed; run again (what KKP made anyway is found, not made twice), or look at KKP's API logs");
  p.options = cloud_api_options();  // a create KKP may have made is found by name, never sent twice
  return p;
}

}  // namespace

KkpApi::KkpApi(const KkpEndpoint& endpoint, Secret token, std::vector<std::string> also_redact)
    : RestApi(endpoint, kkp_profile(endpoint), std::move(token), std::move(also_redact)) {}

}  // namespace lo::driver

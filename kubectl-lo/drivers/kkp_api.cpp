#include "drivers/kkp_api.hpp"

namespace lo::driver {

namespace {

RestApiWords kkp_words(const KkpEndpoint& e) {
  return {.api = "KKP API",
          .token_name = "KKP_TOKEN",
          .unauthorized = "KKP did not accept KKP_TOKEN; create a new service account token in the KKP project",
          .forbidden = "the token's service account lacks the rights for this in the project (editor or owner)",
          .failed = "KKP failed; run again (what KKP made anyway is found, not made twice), or look at KKP's API logs",
          .unreachable = "is " + e.url + " reachable? (and, with a private CA, is spec.kkp.caCert or KKP_CA_CERT set?)"};
}

}  // namespace

KkpApi::KkpApi(const KkpEndpoint& endpoint, Secret token, std::vector<std::string> also_redact)
    : RestApi(kkp_words(endpoint), endpoint, std::move(token), std::move(also_redact)) {}

}  // namespace lo::driver

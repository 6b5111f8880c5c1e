#include "adapters/connect/bearer_auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "bridge/rpc/auth_interceptor.h"

namespace pipebridge::connect {

absl::Status CheckBearerToken(const jsonrpc::HttpRequest& request, std::string_view token) {
  if (token.empty()) {
    // A handler configured without a token lets nobody in rather than everybody.
    return absl::UnauthenticatedError("the bridge has no token configured: no call is accepted");
  }
  auto field = request.find(boost::beast::http::field::authorization);
  if (field == request.end()) {
    return absl::UnauthenticatedError(
        "no token: send the token from the bridge's discovery file in the header "
        "'Authorization: Bearer <token>'");
  }
  absl::string_view value(field->value().data(), field->value().size());
  if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
    return absl::UnauthenticatedError(
        "Authorization: only the Bearer scheme is accepted ('Authorization: Bearer <token>')");
  }
  if (!rpc::TokensEqual(absl::StripAsciiWhitespace(value.substr(7)),
                        absl::string_view(token.data(), token.size()))) {
    return absl::UnauthenticatedError(
        "wrong token: use the token from the running bridge's discovery file");
  }
  return absl::OkStatus();
}

}  // namespace pipebridge::connect

#include "bridge/rpc/auth_interceptor.h"

#include "bridge/rpc/method_table.h"

namespace pipebridge::rpc {

bool TokensEqual(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

absl::Status AuthInterceptor::OnCallStart(CallContext& ctx) {
  if (ctx.identity().authenticated) return absl::OkStatus();
  if (ctx.method().access == Access::kPublic) return absl::OkStatus();
  if (ctx.token().empty()) {
    return absl::UnauthenticatedError(
        "no token: every call needs the token from the bridge's discovery file "
        "(gRPC metadata 'authorization: Bearer <token>')");
  }
  if (!TokensEqual(ctx.token(), token_)) {
    return absl::UnauthenticatedError(
        "wrong token: use the token from the running bridge's discovery file");
  }
  ctx.identity().authenticated = true;
  return absl::OkStatus();
}

}  // namespace pipebridge::rpc

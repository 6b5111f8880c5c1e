#include "bridge/rpc/auth_interceptor.h"

#include <cstdint>
#include <cstring>

#include "bridge/rpc/method_table.h"

namespace pipebridge::rpc {

bool TokensEqual(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  // Eight bytes at a time (every call on every transport compares a 64-digit token), then
  // the rest; every byte is looked at whatever differs.
  uint64_t diff = 0;
  size_t i = 0;
  for (; i + sizeof(uint64_t) <= a.size(); i += sizeof(uint64_t)) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a.data() + i, sizeof(x));
    std::memcpy(&y, b.data() + i, sizeof(y));
    diff |= x ^ y;
  }
  for (; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
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

// Refuses every call that does not carry the server's token.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

#include "bridge/rpc/interceptor.h"

namespace pipebridge::rpc {

class AuthInterceptor : public Interceptor {
 public:
  explicit AuthInterceptor(std::string token) : token_(std::move(token)) {}
  // OK when the transport already authenticated the connection (identity().authenticated),
  // the method is public (Access::kPublic) or the call's token equals the server's;
  // UNAUTHENTICATED otherwise. A public call stays unauthenticated.
  absl::Status OnCallStart(CallContext& ctx) override;

 private:
  std::string token_;
};

// Compares in time independent of where the strings differ.
bool TokensEqual(absl::string_view a, absl::string_view b);

}  // namespace pipebridge::rpc

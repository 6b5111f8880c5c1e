// The secret every call must carry.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace pipebridge::server {

// 32 random bytes from the kernel, as 64 hex digits.
absl::StatusOr<std::string> NewToken();

}  // namespace pipebridge::server

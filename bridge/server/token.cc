#include "bridge/server/token.h"

#include <sys/random.h>

#include <cerrno>

#include "absl/strings/escaping.h"

namespace pipebridge::server {

absl::StatusOr<std::string> NewToken() {
  unsigned char bytes[32];
  size_t filled = 0;
  while (filled < sizeof(bytes)) {
    ssize_t n = ::getrandom(bytes + filled, sizeof(bytes) - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError("cannot read random bytes for the token");
    }
    filled += static_cast<size_t>(n);
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace pipebridge::server

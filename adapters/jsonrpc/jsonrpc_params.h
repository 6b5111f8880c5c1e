// Reading the params the transport itself interprets: "$meta" (stripped before the codec sees
// the request), and the params of the built-in methods $/initialize and $/cancelRequest.
// Errors are INVALID_ARGUMENT naming the JSON path, answered as Invalid params (-32602).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace pipebridge::jsonrpc {

// True when `params` (raw JSON of an object) may hold a "$meta" member; cheap, may say true
// for a "$meta" inside a string value (SplitMeta then finds none and changes nothing).
bool MayHaveMeta(std::string_view params);

// Removes the top-level "$meta" member of `params` into `timeout` ("$meta": {"timeoutMs": N},
// N >= 0). `stripped` receives params without it.
absl::Status SplitMeta(std::string_view params, std::string* stripped,
                       std::optional<absl::Duration>* timeout);

struct InitializeParams {
  std::string token;
  std::string client_name;
  std::string client_version;
  int64_t protocol_version = 0;
};
// {"token": "...", "client": {"name": "...", "version": "..."}, "protocolVersion": 1};
// token and protocolVersion are required. Empty `params` means absent.
absl::Status ParseInitializeParams(std::string_view params, InitializeParams* out);

// {"id": <id>}: the id's raw JSON text, as the connection indexes calls.
absl::Status ParseCancelParams(std::string_view params, std::string* id);

}  // namespace pipebridge::jsonrpc

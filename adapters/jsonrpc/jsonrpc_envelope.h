// The JSON-RPC 2.0 envelope: splits one message (a request, a notification, a response to a
// server-sent request, or a batch of them) into its members without decoding params, which
// stay raw JSON text for the descriptor-driven codec.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/container/inlined_vector.h"

namespace pipebridge::jsonrpc {

// Readable bytes the parser needs after the end of a message (simdjson's padding). Every
// transport reads into buffers that keep this much room after the data.
inline constexpr size_t kPadding = 64;

struct Envelope {
  enum class Kind {
    kRequest,       // method + id: answer it
    kNotification,  // method, no id: never answered, not even with an error
    kResponse,      // result or error + id: the client answering a server-sent request
    kInvalid,       // an Invalid Request (-32600); `problem` says why, `id` is set if readable
  };
  enum class ParamsKind { kAbsent, kObject, kOther };

  Kind kind = Kind::kInvalid;
  // The id exactly as written ("7", "\"a-1\"", "null"); empty when there is none.
  std::string_view id;
  // Unescaped method name.
  std::string_view method;
  ParamsKind params_kind = ParamsKind::kAbsent;
  // Raw JSON text of params (kObject only).
  std::string_view params;
  // Responses: raw JSON text of "result" or of the "error" object (one is set).
  std::string_view result;
  std::string_view error;
  std::string problem;
};

struct ParsedMessage {
  bool batch = false;
  absl::InlinedVector<Envelope, 1> items;
  // Set when the text is not JSON (or nests deeper than the envelope parser allows): the
  // whole message gets one Parse error (-32700) naming the problem; `items` is empty.
  std::string parse_error;
};

// Parses `data[0, size)`, which must be followed by kPadding readable bytes. String views in
// the result point into `data` or into a per-thread parser buffer: use them before the next
// call to ParseMessage on this thread. Never throws; any input gives a result.
void ParseMessage(const char* data, size_t size, ParsedMessage* out);

// True for the JSON number grammar (RFC 8259 section 6), e.g. "-1.5e3"; false for "01", "1.".
bool IsJsonNumber(std::string_view text);

}  // namespace pipebridge::jsonrpc

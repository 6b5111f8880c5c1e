// Descriptor-driven ProtoJSON codec for the JSON transports (JSON-RPC, Connect JSON).
//
// Equal, byte for byte, to protobuf 3.21's util::MessageToJsonString with
// `always_print_primitive_fields = true` (lowerCamel json_name keys, enums as names, 64-bit
// integers as strings, defaults printed, util's field order and string escaping), and a
// stricter reader than util::JsonStringToMessage: unknown fields, duplicate keys and wrong types
// are errors naming the element by its JSON path. See DESIGN.md, "The wire conventions".
//
// Thread-safe: per-descriptor tables are built once and published without a lock on the hot path.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace pipebridge::transcoding {

struct JsonParseOptions {
  // Deepest nesting of JSON objects and arrays accepted, counting the top-level object as 1
  // (a Struct field holding {"a": [1]} is at depth 2 and its array at 3).
  int max_depth = 64;
};

// Parses `json`, a complete JSON object text (e.g. the raw "params" of a JSON-RPC request),
// into `message`, which is cleared first. Accepts json_name and proto field names, 64-bit
// integers as numbers or strings, enums by name or number, and null as "not set".
//
// Returns INVALID_ARGUMENT naming the element by its path from the root of the message on any
// problem: `page.limit: value 1e20 out of range for int32`, `foo: unknown field "foo" in
// pipebridge.v1.FindEntitiesRequest`. Errors about the whole text (not an object, trailing
// characters) have no path. The caller bounds the input size; depth is bounded by `options`.
// On error `message` holds a partial result the caller must not use.
absl::Status JsonToMessage(std::string_view json, google::protobuf::Message* message,
                           const JsonParseOptions& options = {});

// Appends the canonical ProtoJSON of `message` to `out`.
//
// Values util::MessageToJsonString refuses (a Timestamp or Duration out of its valid range, an
// Any whose type is unknown) are written as null instead of failing the whole message.
void MessageToJson(const google::protobuf::Message& message, std::string* out);

}  // namespace pipebridge::transcoding

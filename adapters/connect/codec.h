// The two message encodings of Connect and gRPC-Web: canonical ProtoJSON (the descriptor-driven
// codec of adapters/transcoding) and binary protobuf.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace pipebridge::connect {

enum class Codec { kJson, kProto };

// Decodes a request message. INVALID_ARGUMENT on failure: for JSON the codec's message,
// which names the field by its path (`page.limit: ...`); for binary, the message type.
absl::Status DecodeMessage(Codec codec, std::string_view bytes, int max_json_depth,
                           google::protobuf::Message* message);

// Appends the encoding of `message` to `out`.
void EncodeMessage(Codec codec, const google::protobuf::Message& message, std::string* out);

}  // namespace pipebridge::connect

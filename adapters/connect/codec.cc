#include "adapters/connect/codec.h"

#include "absl/strings/str_cat.h"
#include "adapters/transcoding/json_codec.h"

namespace pipebridge::connect {

absl::Status DecodeMessage(Codec codec, std::string_view bytes, int max_json_depth,
                           google::protobuf::Message* message) {
  if (codec == Codec::kProto) {
    if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the request is not a valid binary ", message->GetDescriptor()->full_name()));
    }
    return absl::OkStatus();
  }
  if (bytes.empty()) {
    // As connect-go: an empty JSON payload is no object (clients send "{}" for no fields).
    return absl::InvalidArgumentError(absl::StrCat(
        "the request is empty: send a JSON object for ", message->GetDescriptor()->full_name(),
        " ({} for no fields)"));
  }
  transcoding::JsonParseOptions options;
  options.max_depth = max_json_depth;
  return transcoding::JsonToMessage(bytes, message, options);
}

void EncodeMessage(Codec codec, const google::protobuf::Message& message, std::string* out) {
  if (codec == Codec::kJson) {
    transcoding::MessageToJson(message, out);
    return;
  }
  const size_t before = out->size();
  out->resize(before + message.ByteSizeLong());
  message.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(&(*out)[before]));
}

}  // namespace pipebridge::connect

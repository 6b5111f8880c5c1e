#include "adapters/grpc/grpc_call.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pipebridge::grpc_adapter {

void ReadCallMetadata(const grpc::CallbackServerContext& server_context, rpc::CallContext& ctx) {
  // The server context outlives the CallContext: both end with the call.
  ctx.set_peer_address_resolver([&server_context] { return server_context.peer(); });
  const auto& metadata = server_context.client_metadata();
  auto it = metadata.find("authorization");
  if (it != metadata.end()) {
    absl::string_view value(it->second.data(), it->second.size());
    constexpr absl::string_view kBearer = "bearer ";
    if (value.size() > kBearer.size() &&
        absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
      ctx.set_token(value.substr(kBearer.size()));
    }
  }
  const auto deadline = server_context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    ctx.set_requested_timeout(absl::FromChrono(deadline) - absl::Now());
  }
}

rpc::Peer GrpcPeer() { return rpc::Peer{"grpc", ""}; }

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::Status PayloadNotParsed(const google::protobuf::Descriptor& expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("request payload is not a valid ", expected.full_name()));
}

absl::Status ParseMessage(const grpc::ByteBuffer& buffer, google::protobuf::Message* message) {
  grpc::ByteBuffer copy(buffer);  // Deserialize consumes its buffer; copies share slices.
  grpc::Status status =
      grpc::SerializationTraits<google::protobuf::Message>::Deserialize(&copy, message);
  if (!status.ok()) return PayloadNotParsed(*message->GetDescriptor());
  return absl::OkStatus();
}

void SerializeMessage(const google::protobuf::Message& message, grpc::ByteBuffer* buffer) {
  bool own_buffer = false;
  grpc::SerializationTraits<google::protobuf::Message>::Serialize(message, buffer, &own_buffer);
}

}  // namespace pipebridge::grpc_adapter

// What the three gRPC call kinds share: reading the call's metadata into a CallContext and
// turning statuses and messages into gRPC's.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include "absl/status/status.h"
#include "bridge/rpc/call_context.h"
#include "google/protobuf/message.h"

namespace pipebridge::grpc_adapter {

// Fills the token (a view of the call's metadata, which outlives the CallContext) and the
// requested timeout from the gRPC call.
void ReadCallMetadata(const grpc::CallbackServerContext& server_context, rpc::CallContext& ctx);

// A gRPC call's peer before its address is asked for (ReadCallMetadata sets the resolver:
// gRPC allocates the address string, which only logs need).
rpc::Peer GrpcPeer();

// absl and gRPC share the status code numbering.
grpc::Status ToGrpcStatus(const absl::Status& status);

// INVALID_ARGUMENT naming the message type a request payload did not parse as.
absl::Status PayloadNotParsed(const google::protobuf::Descriptor& expected);

// PayloadNotParsed when the payload does not parse.
absl::Status ParseMessage(const grpc::ByteBuffer& buffer, google::protobuf::Message* message);
void SerializeMessage(const google::protobuf::Message& message, grpc::ByteBuffer* buffer);

}  // namespace pipebridge::grpc_adapter

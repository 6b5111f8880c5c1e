// The message types of the generic unary methods, as gRPC sees them: the method's own
// request and response messages behind two small handles, with SerializationTraits that let
// gRPC parse the request straight from the slices it received and serialize the response
// straight into the buffer it sends. Raw ByteBuffer methods cost two buffer copies per call
// that a typed generated service does not make (the request copied to be parsed, the
// response copied into the send operation).
#pragma once

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include "google/protobuf/message.h"

namespace pipebridge::grpc_adapter {

// Filled by gRPC before the handler runs. A payload that does not parse does not fail the
// call inside gRPC (it would answer UNIMPLEMENTED with no message): `parsed` is false and
// the call answers INVALID_ARGUMENT naming the message type.
struct UnaryRequest {
  google::protobuf::Message* message = nullptr;
  bool parsed = false;
};

// Serialized by gRPC when the call finishes OK; dropped otherwise.
struct UnaryResponse {
  const google::protobuf::Message* message = nullptr;
};

}  // namespace pipebridge::grpc_adapter

namespace grpc {

template <>
class SerializationTraits<pipebridge::grpc_adapter::UnaryRequest, void> {
 public:
  // Consumes `buffer` (as the generated code's Deserialize does); always OK, see UnaryRequest.
  static Status Deserialize(ByteBuffer* buffer, pipebridge::grpc_adapter::UnaryRequest* request) {
    request->parsed =
        SerializationTraits<google::protobuf::Message>::Deserialize(buffer, request->message).ok();
    return Status::OK;
  }
};

template <>
class SerializationTraits<pipebridge::grpc_adapter::UnaryResponse, void> {
 public:
  static Status Serialize(const pipebridge::grpc_adapter::UnaryResponse& response,
                          ByteBuffer* buffer, bool* own_buffer) {
    return SerializationTraits<google::protobuf::Message>::Serialize(*response.message, buffer,
                                                                     own_buffer);
  }
};

}  // namespace grpc

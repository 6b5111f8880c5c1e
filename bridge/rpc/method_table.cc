#include "bridge/rpc/method_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"

namespace pipebridge::rpc {
namespace {

using google::protobuf::Message;

// Streams of methods without a handler yet: finish at once with UNIMPLEMENTED.
class UnimplementedStream : public StreamObserver {};

absl::Status Unimplemented(const Method& method) {
  return absl::UnimplementedError(
      absl::StrCat(method.full_name, " is not implemented by this server yet"));
}

}  // namespace

absl::Status MethodTable::AddService(const google::protobuf::ServiceDescriptor* service,
                                     Access access) {
  for (const auto* existing : services_) {
    if (existing == service) {
      return absl::AlreadyExistsError(absl::StrCat("service ", service->full_name(), " added twice"));
    }
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* descriptor = service->method(i);
    if (descriptor->client_streaming() && !descriptor->server_streaming()) {
      return absl::InvalidArgumentError(
          absl::StrCat(descriptor->full_name(), ": client-streaming methods are not supported"));
    }
    auto method = std::make_unique<Method>();
    method->full_name = absl::StrCat(service->full_name(), "/", descriptor->name());
    method->grpc_path = absl::StrCat("/", method->full_name);
    method->descriptor = descriptor;
    method->access = access;
    method->kind = descriptor->client_streaming()   ? MethodKind::kBidiStreaming
                   : descriptor->server_streaming() ? MethodKind::kServerStreaming
                                                    : MethodKind::kUnary;
    method->request_prototype = factory->GetPrototype(descriptor->input_type());
    method->response_prototype = factory->GetPrototype(descriptor->output_type());
    if (method->request_prototype == nullptr || method->response_prototype == nullptr) {
      return absl::InternalError(
          absl::StrCat(method->full_name, ": message types are not compiled into this server"));
    }
    const Method* self = method.get();
    switch (method->kind) {
      case MethodKind::kUnary:
        method->unary = [self](CallContext&, const Message&, Message*, UnaryDone done) {
          done(Unimplemented(*self));
        };
        break;
      case MethodKind::kServerStreaming:
        method->server_streaming = [self](CallContext&, const Message&, ServerStream& stream) {
          stream.Finish(Unimplemented(*self));
          return std::make_unique<UnimplementedStream>();
        };
        break;
      case MethodKind::kBidiStreaming:
        method->bidi_streaming = [self](CallContext&, ServerStream& stream) {
          stream.Finish(Unimplemented(*self));
          return std::make_unique<UnimplementedStream>();
        };
        break;
    }
    by_name_[method->full_name] = method.get();
    methods_.push_back(std::move(method));
  }
  services_.push_back(service);
  return absl::OkStatus();
}

absl::Status MethodTable::MarkBlocking(absl::string_view service_full_name) {
  auto service = std::find_if(services_.begin(), services_.end(), [&](const auto* added) {
    return added->full_name() == service_full_name;
  });
  if (service == services_.end()) {
    return absl::NotFoundError(absl::StrCat("service ", service_full_name, " is not in the table"));
  }
  for (const auto& method : methods_) {
    if (method->descriptor->service() == *service && method->kind == MethodKind::kUnary) {
      method->execution = Execution::kBlocking;
    }
  }
  return absl::OkStatus();
}

const Method* MethodTable::Find(absl::string_view full_name) const {
  auto it = by_name_.find(full_name);
  return it == by_name_.end() ? nullptr : it->second;
}

absl::StatusOr<Method*> MethodTable::Lookup(absl::string_view full_name, MethodKind kind,
                                            const google::protobuf::Descriptor* request,
                                            const google::protobuf::Descriptor* response) {
  auto it = by_name_.find(full_name);
  if (it == by_name_.end()) {
    return absl::NotFoundError(absl::StrCat("no method ", full_name, " in the method table"));
  }
  Method* method = it->second;
  if (method->kind != kind) {
    return absl::FailedPreconditionError(
        absl::StrCat(full_name, ": handler kind does not match the contract"));
  }
  if (method->descriptor->input_type() != request ||
      (response != nullptr && method->descriptor->output_type() != response)) {
    return absl::FailedPreconditionError(
        absl::StrCat(full_name, ": handler message types do not match the contract"));
  }
  return method;
}

absl::Status MethodTable::SetBidiStreaming(absl::string_view full_name, BidiStreamingHandler fn) {
  auto it = by_name_.find(full_name);
  if (it == by_name_.end()) {
    return absl::NotFoundError(absl::StrCat("no method ", full_name, " in the method table"));
  }
  if (it->second->kind != MethodKind::kBidiStreaming) {
    return absl::FailedPreconditionError(
        absl::StrCat(full_name, ": handler kind does not match the contract"));
  }
  it->second->bidi_streaming = std::move(fn);
  return absl::OkStatus();
}

}  // namespace pipebridge::rpc

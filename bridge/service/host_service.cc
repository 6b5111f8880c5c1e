#include "bridge/service/host_service.h"

#include <memory>
#include <mutex>

#include "bridge/core/status_macros.h"
#include "bridge/service/host_attach_stream.h"
#include "bridge/service/host_event_publisher.h"
#include "bridge/service/host_proto.h"
#include "bridge/service/invoke_stream.h"
#include "bridge/service/json_struct.h"

namespace pipebridge::service {
namespace {

namespace hosts = core::hosts;

// Joins a unary Invoke's cancellation (which may come before the registry has given the
// invocation an id) with the invocation.
struct InvokeCancel {
  std::mutex mutex;
  std::string invocation_id;
  std::string cancelled_reason;  // set when the caller gave up before the id was known
};

void Invoke(hosts::HostRegistry& registry, rpc::CallContext& ctx, const v1::InvokeRequest& request,
            v1::InvokeResponse* response, rpc::UnaryDone done) {
  hosts::InvokeParams params;
  params.host = SelectorFromProto(request.host());
  params.command = request.command();
  params.args = StructToJson(request.args());
  params.deadline = ctx.deadline();
  params.caller_host = ctx.identity().host_id;

  // Registered before the invocation starts: once it is routed, the call may complete (and
  // its context go) on another thread at any moment, so ctx is not touched after Invoke.
  auto cancel = std::make_shared<InvokeCancel>();
  const absl::Time deadline = ctx.deadline();
  ctx.OnCancel([&registry, cancel, deadline] {
    const std::string reason = absl::Now() >= deadline ? "deadline exceeded" : "cancelled";
    std::string id;
    {
      std::lock_guard<std::mutex> lock(cancel->mutex);
      if (cancel->invocation_id.empty()) {
        cancel->cancelled_reason = reason;
        return;
      }
      id = cancel->invocation_id;
    }
    registry.Cancel(id, reason);
  });

  hosts::InvocationCallbacks callbacks;
  callbacks.on_done = [response, done](hosts::InvocationOutcome outcome) {
    if (outcome.value.ok()) {
      response->set_host_id(outcome.host_id);
      JsonToValue(*outcome.value, response->mutable_result());
    }
    done(outcome.value.status());
  };
  auto started = registry.Invoke(std::move(params), std::move(callbacks));
  if (!started.ok()) {
    done(started.status());
    return;
  }
  std::string cancelled_reason;
  {
    std::lock_guard<std::mutex> lock(cancel->mutex);
    cancel->invocation_id = started->invocation_id;
    cancelled_reason = cancel->cancelled_reason;
  }
  if (!cancelled_reason.empty()) registry.Cancel(started->invocation_id, cancelled_reason);
}

}  // namespace

absl::Status RegisterHostService(rpc::MethodTable& table, hosts::HostRegistry& registry,
                                 core::events::EventLog* events, HostServiceOptions options) {
  if (events != nullptr) registry.SetListener(std::make_shared<HostEventPublisher>(*events));

  PB_RETURN_IF_ERROR(table.SetBidiStreaming(
      "pipebridge.v1.HostService/Attach",
      [&registry](rpc::CallContext&, rpc::ServerStream& stream) -> std::unique_ptr<rpc::StreamObserver> {
        return std::make_unique<HostAttachStream>(registry, stream);
      }));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::ListHostsRequest, v1::ListHostsResponse>(
      "pipebridge.v1.HostService/ListHosts",
      [&registry](rpc::CallContext&, const v1::ListHostsRequest& request,
                  v1::ListHostsResponse* response) -> absl::Status {
        for (const auto& host : registry.List(request.application())) {
          HostToProto(host, response->add_hosts());
        }
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnaryAsync<v1::InvokeRequest, v1::InvokeResponse>(
      "pipebridge.v1.HostService/Invoke",
      [&registry](rpc::CallContext& ctx, const v1::InvokeRequest& request,
                  v1::InvokeResponse* response, rpc::UnaryDone done) {
        Invoke(registry, ctx, request, response, std::move(done));
      })));
  PB_RETURN_IF_ERROR((table.SetServerStreaming<v1::InvokeStreamRequest>(
      "pipebridge.v1.HostService/InvokeStream",
      [&registry, options](rpc::CallContext& ctx, const v1::InvokeStreamRequest& request,
                           rpc::ServerStream& stream) -> std::unique_ptr<rpc::StreamObserver> {
        hosts::InvokeParams params;
        params.host = SelectorFromProto(request.host());
        params.command = request.command();
        params.args = StructToJson(request.args());
        params.deadline = ctx.deadline() == absl::InfiniteFuture()
                              ? absl::Now() + options.stream_default_timeout
                              : ctx.deadline();
        params.caller_host = ctx.identity().host_id;
        return InvokeStream::Start(registry, std::move(params), options.max_queued_progress, stream);
      })));
  return absl::OkStatus();
}

}  // namespace pipebridge::service

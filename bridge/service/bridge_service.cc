#include "bridge/service/bridge_service.h"

#include <unistd.h>

#include "bridge/core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "pipebridge/v1/bridge.pb.h"

namespace pipebridge::service {
namespace {

using pipebridge::v1::GetInfoRequest;
using pipebridge::v1::GetInfoResponse;
using pipebridge::v1::PingRequest;
using pipebridge::v1::PingResponse;

absl::Status GetInfo(const ServerInfo& info, const GetInfoRequest&, GetInfoResponse* response) {
  response->set_version(info.version());
  response->set_protocol_version(kProtocolVersion);
  for (const auto& capability : info.capabilities()) response->add_capabilities(capability);
  for (const auto& endpoint : info.endpoints()) {
    auto* out = response->add_endpoints();
    out->set_transport(endpoint.transport);
    out->set_address(endpoint.address);
  }
  response->set_pid(static_cast<int32_t>(::getpid()));
  *response->mutable_started_at() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(info.started_at()));
  response->set_project(info.project());
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterBridgeService(rpc::MethodTable& table, const ServerInfo& info) {
  PB_RETURN_IF_ERROR((table.SetUnary<GetInfoRequest, GetInfoResponse>(
      "pipebridge.v1.BridgeService/GetInfo",
      [&info](rpc::CallContext&, const GetInfoRequest& request, GetInfoResponse* response) {
        return GetInfo(info, request, response);
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<PingRequest, PingResponse>(
      "pipebridge.v1.BridgeService/Ping",
      [](rpc::CallContext&, const PingRequest& request, PingResponse* response) {
        response->set_payload(request.payload());
        return absl::OkStatus();
      })));
  return absl::OkStatus();
}

}  // namespace pipebridge::service

#include "adapters/grpc/health_service.h"

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"

namespace pipebridge::grpc_adapter {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// One Watch call: registered with the service while it lives, so status changes reach it.
class HealthService::Watcher : public rpc::StreamObserver {
 public:
  Watcher(HealthService& health, std::string service, rpc::ServerStream& stream)
      : health_(health), service_(std::move(service)), stream_(stream) {
    std::lock_guard<std::mutex> lock(health_.mutex_);
    health_.watchers_.insert(this);
    SendLocked();
  }

  // Holding health_.mutex_, which OnCancel/OnDone take to unregister: the stream is alive.
  void SendLocked() {
    HealthCheckResponse response;
    response.set_status(static_cast<HealthCheckResponse::ServingStatus>(health_.StatusOf(service_)));
    stream_.Send(response);
    if (!health_.serving_) stream_.Finish(absl::UnavailableError("the bridge is shutting down"));
  }

  void OnCancel() override { Unregister(); }
  void OnDone() override { Unregister(); }

 private:
  void Unregister() {
    std::lock_guard<std::mutex> lock(health_.mutex_);
    health_.watchers_.erase(this);
  }

  HealthService& health_;
  const std::string service_;
  rpc::ServerStream& stream_;
};

int HealthService::StatusOf(const std::string& service) const {
  if (!services_.contains(service)) return HealthCheckResponse::SERVICE_UNKNOWN;
  return serving_ ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

void HealthService::AddServiceName(std::string service) { services_.insert(std::move(service)); }

absl::Status HealthService::AddTo(rpc::MethodTable& table) {
  const auto* service = HealthCheckRequest::descriptor()->file()->FindServiceByName("Health");
  if (absl::Status added = table.AddService(service, rpc::Access::kPublic); !added.ok()) {
    return added;
  }
  AddServiceName(service->full_name());
  absl::Status check = table.SetUnary<HealthCheckRequest, HealthCheckResponse>(
      "grpc.health.v1.Health/Check",
      [this](rpc::CallContext&, const HealthCheckRequest& request, HealthCheckResponse* response) {
        std::lock_guard<std::mutex> lock(mutex_);
        int status = StatusOf(request.service());
        if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
          return absl::NotFoundError(absl::StrCat("no service \"", request.service(),
                                                  "\" here; \"\" is the whole bridge"));
        }
        response->set_status(static_cast<HealthCheckResponse::ServingStatus>(status));
        return absl::OkStatus();
      });
  if (!check.ok()) return check;
  return table.SetServerStreaming<HealthCheckRequest>(
      "grpc.health.v1.Health/Watch",
      [this](rpc::CallContext&, const HealthCheckRequest& request, rpc::ServerStream& stream)
          -> std::unique_ptr<rpc::StreamObserver> {
        return std::make_unique<Watcher>(*this, request.service(), stream);
      });
}

void HealthService::SetNotServing() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!serving_) return;
  serving_ = false;
  for (Watcher* watcher : watchers_) watcher->SendLocked();
}

}  // namespace pipebridge::grpc_adapter

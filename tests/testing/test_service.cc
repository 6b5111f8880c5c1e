#include "tests/testing/test_service.h"

#include <thread>

#include "absl/strings/ascii.h"
#include "absl/synchronization/notification.h"
#include "bridge/core/status_macros.h"
#include "pipebridge/testing/v1/test_service.pb.h"

namespace pipebridge::testing {
namespace {

namespace tv1 = pipebridge::testing::v1;

// Sends 1..count, one in flight at a time, driven by OnSendDone.
class CountStream : public rpc::StreamObserver {
 public:
  CountStream(rpc::ServerStream& stream, int count, TestServiceProbe& probe)
      : stream_(stream), count_(count), probe_(probe) {}
  void Begin() {
    if (count_ == 0) stream_.Finish(absl::OkStatus());
    else if (count_ > 0) SendNext();
  }
  void OnSendDone(bool ok) override {
    if (!ok) return;
    if (sent_ == count_) stream_.Finish(absl::OkStatus());
    else SendNext();
  }
  void OnCancel() override { probe_.cancellations++; }
  void OnDone() override { probe_.streams_done++; }

 private:
  void SendNext() {
    tv1::CountResponse response;
    response.set_n(++sent_);
    stream_.Send(response);
  }
  rpc::ServerStream& stream_;
  const int count_;
  int sent_ = 0;
  TestServiceProbe& probe_;
};

class ChatStream : public rpc::StreamObserver {
 public:
  ChatStream(rpc::ServerStream& stream, TestServiceProbe& probe) : stream_(stream), probe_(probe) {}
  void OnMessage(const google::protobuf::Message& message) override {
    const auto& request = static_cast<const tv1::ChatRequest&>(message);
    if (request.text() == "finish") {
      stream_.Finish(absl::OkStatus());
      return;
    }
    tv1::ChatResponse response;
    response.set_text(absl::AsciiStrToUpper(request.text()));
    stream_.Send(response);
  }
  void OnReadsDone() override { stream_.Finish(absl::OkStatus()); }
  void OnCancel() override { probe_.cancellations++; }
  void OnDone() override { probe_.streams_done++; }

 private:
  rpc::ServerStream& stream_;
  TestServiceProbe& probe_;
};

}  // namespace

absl::Status RegisterTestService(rpc::MethodTable& table, TestServiceProbe& probe) {
  PB_RETURN_IF_ERROR(
      table.AddService(tv1::EchoRequest::descriptor()->file()->FindServiceByName("TestService")));
  PB_RETURN_IF_ERROR((table.SetUnaryAsync<tv1::EchoRequest, tv1::EchoResponse>(
      "pipebridge.testing.v1.TestService/Echo",
      [&probe](rpc::CallContext& ctx, const tv1::EchoRequest& request,
               tv1::EchoResponse* response, rpc::UnaryDone done) {
        if (request.delay_ms() <= 0) {
          response->set_text(request.text());
          done(absl::OkStatus());
          return;
        }
        // Completes from another thread, as a slow handler would; cancellation cuts it short.
        probe.handlers_running++;
        std::thread([&ctx, &probe, request, response, done = std::move(done)] {
          auto cancelled = std::make_shared<absl::Notification>();
          ctx.OnCancel([cancelled] { cancelled->Notify(); });
          if (cancelled->WaitForNotificationWithTimeout(absl::Milliseconds(request.delay_ms()))) {
            probe.cancellations++;
            done(absl::CancelledError("echo cancelled"));
          } else {
            response->set_text(request.text());
            done(absl::OkStatus());
          }
          probe.handlers_running--;
        }).detach();
      })));
  PB_RETURN_IF_ERROR((table.SetServerStreaming<tv1::CountRequest>(
      "pipebridge.testing.v1.TestService/Count",
      [&probe](rpc::CallContext&, const tv1::CountRequest& request, rpc::ServerStream& stream) {
        auto observer = std::make_unique<CountStream>(stream, request.count(), probe);
        observer->Begin();
        return observer;
      })));
  PB_RETURN_IF_ERROR(table.SetBidiStreaming(
      "pipebridge.testing.v1.TestService/Chat",
      [&probe](rpc::CallContext&, rpc::ServerStream& stream) {
        return std::make_unique<ChatStream>(stream, probe);
      }));
  return absl::OkStatus();
}

}  // namespace pipebridge::testing

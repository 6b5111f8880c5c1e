// One Connect or gRPC-Web call: a unary call or a server stream, run through the rpc::Dispatcher
// (the interceptor chain: auth, deadline, logging) into the method's handler, and answered
// through the protocol that read it. Lives on its connection's strand; only the
// rpc::ServerStream methods and the unary completion may be called from other threads.
//
// Bounded: the deadline (Connect-Timeout-Ms / grpc-timeout, else the server's default) ends a
// call with DEADLINE_EXCEEDED at once and cancels its handler; a client that goes away cancels
// it; a stream's next message is written only once the previous one was (OnSendDone is driven
// by write completion).
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "adapters/connect/call_registry.h"
#include "adapters/connect/protocol.h"
#include "bridge/rpc/dispatcher.h"
#include "bridge/rpc/stream.h"

namespace pipebridge::connect {

class HttpCall final : public rpc::ServerStream, public std::enable_shared_from_this<HttpCall> {
 public:
  struct Setup {
    const rpc::Dispatcher* dispatcher = nullptr;
    const rpc::Method* method = nullptr;
    const Protocol* protocol = nullptr;
    RequestMeta meta;
    std::shared_ptr<jsonrpc::HttpResponder> responder;
    std::shared_ptr<CallRegistry> registry;
    int http_version = 11;
    std::string origin;  // allowed Origin of a browser request, for CORS headers; else empty
    int max_json_depth = 64;
    size_t max_message_bytes = 16 * 1024 * 1024;  // of the decompressed request message
  };
  explicit HttpCall(Setup setup);
  ~HttpCall() override;

  // Decodes `body` and runs the call, as the caller authenticated (the handler checked the
  // token before reading the body). On the strand, once.
  void Start(std::string body);

  // The deadline passed, the client went away or the server shuts down: answers with `status`
  // (unless answered already) and cancels the handler. On the strand.
  void Abort(const absl::Status& status);

  const jsonrpc::HttpResponder& responder() const { return *setup_.responder; }

  // rpc::ServerStream, any thread.
  void Send(const google::protobuf::Message& message) override;
  void Finish(absl::Status status) override;

 private:
  bool streaming() const { return setup_.method->kind != rpc::MethodKind::kUnary; }
  void StartUnary();
  void StartStream();
  void OnUnaryDone(absl::Status status);
  void CompleteUnary(const absl::Status& status);
  void Respond(jsonrpc::HttpResponse response);
  void RespondError(const absl::Status& status);
  void QueueFrame(std::string frame);
  void WriteNext();
  void OnWritten(bool ok);
  void FinishStream(absl::Status status);
  void MaybeCompleteStream();
  void WatchClientAndDeadline();
  void Release();

  Setup setup_;
  rpc::CallContext ctx_;
  std::unique_ptr<google::protobuf::Message> request_;
  std::unique_ptr<google::protobuf::Message> response_;
  std::unique_ptr<rpc::StreamObserver> observer_;
  std::shared_ptr<HttpCall> self_;  // alive while the handler may still use the call
  std::optional<boost::asio::steady_timer> deadline_timer_;
  std::deque<std::string> frames_;  // stream messages not yet handed to the responder

  bool answered_ = false;         // a complete response, or the stream's end, was handed over
  bool dispatching_ = false;      // inside the Dispatcher: completion waits until it returns
  bool handler_done_ = false;     // unary: done ran; stream: OnDone ran
  bool stream_started_ = false;   // the observer is adopted
  bool header_sent_ = false;
  bool writing_ = false;          // one stream message handed to the responder, not yet written
  bool finish_requested_ = false;
  absl::Status final_status_;
  bool released_ = false;
};

}  // namespace pipebridge::connect

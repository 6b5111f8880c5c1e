// One call on a JSON-RPC connection: a unary call or a server stream. Owns the CallContext
// and the messages until the handler is done with them (which may be after the client was
// answered, e.g. when the deadline passed first). Lives on its connection's strand; only
// the rpc::ServerStream methods and the unary completion may be called from other threads.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "adapters/jsonrpc/jsonrpc_connection.h"
#include "bridge/rpc/method_table.h"
#include "bridge/rpc/stream.h"

namespace pipebridge::jsonrpc {

// The answers of one batch, joined into one array once every call of the batch has answered.
struct BatchReply {
  std::string text = "[";
  int pending = 1;  // the dispatch loop holds one until it has seen every element
  bool any = false;
};

class Call final : public rpc::ServerStream,
                   public WriteListener,
                   public std::enable_shared_from_this<Call> {
 public:
  // `id`: the raw JSON id, empty for a notification (never answered).
  Call(std::shared_ptr<JsonRpcConnection> connection, const rpc::Method& method,
       std::string_view id, std::shared_ptr<BatchReply> batch);
  ~Call() override;

  rpc::CallContext& context() { return ctx_; }
  google::protobuf::Message* request() { return request_.get(); }
  const std::string& id() const { return id_; }

  // Runs the call (the request is decoded). On the strand.
  void Start();

  // The client cancelled ($/cancelRequest), the deadline passed or the connection closed:
  // answers with `status` at once (unless answered already) and cancels the handler.
  void Abort(const absl::Status& status);

  // The connection wrote (ok) or dropped (!ok) a stream message of this call.
  void OnWritten(bool ok) override;

  // rpc::ServerStream, any thread.
  void Send(const google::protobuf::Message& message) override;
  void Finish(absl::Status status) override;

 private:
  friend class JsonRpcConnection;

  bool streaming() const;
  void OnUnaryDone(absl::Status status);
  void CompleteUnary(absl::Status status);
  void QueueStreamMessage(std::string text);
  void FinishStream(absl::Status status);
  void MaybeCompleteStream();
  void Answer(const absl::Status& status);
  void AnswerInternalError(std::string_view message);
  void ArmDeadline();
  void Release();

  const std::shared_ptr<JsonRpcConnection> connection_;
  const std::string id_;
  const std::shared_ptr<BatchReply> batch_;
  rpc::CallContext ctx_;
  std::unique_ptr<google::protobuf::Message> request_;
  std::unique_ptr<google::protobuf::Message> response_;
  std::unique_ptr<rpc::StreamObserver> observer_;
  // Keeps the call alive while its handler may still use it.
  std::shared_ptr<Call> self_;
  std::optional<boost::asio::steady_timer> deadline_timer_;

  bool answered_ = false;       // the final answer is written (or not wanted)
  bool dispatching_ = false;    // inside the Dispatcher: completion waits until it returns
  bool handler_done_ = false;   // unary: done ran; stream: OnDone ran
  bool stream_started_ = false;
  bool finish_requested_ = false;
  int sends_pending_ = 0;
  absl::Status final_status_;
  bool released_ = false;
};

}  // namespace pipebridge::jsonrpc

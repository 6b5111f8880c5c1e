// The two halves of a streaming call: ServerStream is the transport's, StreamObserver the
// handler's. Backpressure is driven by send completion: one send in flight at a time.
#pragma once

#include "absl/status/status.h"

namespace google::protobuf {
class Message;
}

namespace pipebridge::rpc {

// Given by the transport to a streaming handler. Thread-safe.
class ServerStream {
 public:
  virtual ~ServerStream() = default;
  // Queues one message (serialized before returning); messages go out in order, and the
  // observer's OnSendDone reports each completion. The queue is not bounded here: a handler
  // that can produce faster than its client reads waits for OnSendDone (backpressure).
  virtual void Send(const google::protobuf::Message& message) = 0;
  // Ends the call with `status`. Only the first Finish counts; no Send after it. A send in
  // flight completes first. Never calls the observer before returning, so a handler may
  // call it holding the locks its callbacks take.
  virtual void Finish(absl::Status status) = 0;
};

// Implemented by a streaming handler, one object per call. The transport owns it and calls
// it from its own threads, one callback at a time; OnDone is the last call, after which
// the transport destroys it.
class StreamObserver {
 public:
  virtual ~StreamObserver() = default;
  // The last Send completed; `ok` is false when the client is gone.
  virtual void OnSendDone(bool ok) {}
  // Bidi only: the next message from the client. The transport reads the one after it
  // when this returns.
  virtual void OnMessage(const google::protobuf::Message& message) {}
  // Bidi only: the client will send nothing more.
  virtual void OnReadsDone() {}
  // The client went away or the deadline passed. The transport finishes the call with
  // CANCELLED itself; later Send/Finish calls are ignored.
  virtual void OnCancel() {}
  // The call is over; no other callback follows, and neither the observer nor the
  // ServerStream may be used once this returns (stop other threads touching them here).
  virtual void OnDone() {}
};

}  // namespace pipebridge::rpc

// One EventService/Subscribe call: pulls events from a core subscription and hands them to
// the transport, at most kSendWindow not yet written (backpressure by write completion),
// so a slow client fills its own bounded queue in the log and is ended with
// RESOURCE_EXHAUSTED there, never slowing writers or other subscribers.
#pragma once

#include <memory>
#include <mutex>

#include "bridge/core/events/event_log.h"
#include "bridge/rpc/stream.h"
#include "bridge/service/task_runner.h"

namespace pipebridge::service {

class EventSubscriptionStream : public rpc::StreamObserver {
 public:
  // Events handed to the transport and not yet written. More than one, so a pump sends a
  // run of events the transport writes back to back, rather than costing a thread handoff
  // each way per event; few, so a subscriber's backlog stays in its bounded log queue.
  static constexpr int kSendWindow = 32;

  // Subscribes with `options` and starts sending; on a bad request finishes the stream
  // with the log's error.
  static std::unique_ptr<EventSubscriptionStream> Start(core::events::EventLog& log,
                                                         core::events::SubscribeOptions options,
                                                         rpc::ServerStream& stream, TaskRunner& runner);
  ~EventSubscriptionStream() override;

  void OnSendDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Shared with tasks queued on the runner, which may run after the call is over.
  struct State {
    std::mutex mutex;
    rpc::ServerStream* stream = nullptr;  // null once the call is over
    std::unique_ptr<core::events::Subscription> subscription;
    int unwritten = 0;  // sent to the transport, OnSendDone not yet seen
    bool scheduled = false;
    TaskRunner* runner = nullptr;
  };
  explicit EventSubscriptionStream(std::shared_ptr<State> state) : state_(std::move(state)) {}

  static void Schedule(const std::shared_ptr<State>& state);
  static void Pump(const std::shared_ptr<State>& state);
  void End();

  std::shared_ptr<State> state_;
};

}  // namespace pipebridge::service

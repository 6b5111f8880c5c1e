#include "bridge/service/event_subscription_stream.h"

#include "bridge/service/event_service.h"

namespace pipebridge::service {

std::unique_ptr<EventSubscriptionStream> EventSubscriptionStream::Start(
    core::events::EventLog& log, core::events::SubscribeOptions options, rpc::ServerStream& stream,
    TaskRunner& runner) {
  auto state = std::make_shared<State>();
  state->stream = &stream;
  state->runner = &runner;
  std::weak_ptr<State> weak = state;
  // The wakeup may not call into the subscription: it only schedules a pump.
  auto subscription = log.Subscribe(std::move(options), [weak] {
    if (auto locked = weak.lock()) Schedule(locked);
  });
  std::unique_ptr<EventSubscriptionStream> observer(new EventSubscriptionStream(state));
  if (!subscription.ok()) {
    stream.Finish(subscription.status());
    return observer;
  }
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->subscription = std::move(subscription).value();
  }
  Schedule(state);  // history to replay, or nothing yet
  return observer;
}

EventSubscriptionStream::~EventSubscriptionStream() { End(); }

void EventSubscriptionStream::Schedule(const std::shared_ptr<State>& state) {
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (state->scheduled || state->stream == nullptr) return;
    state->scheduled = true;
  }
  state->runner->Post([state] { Pump(state); });
}

void EventSubscriptionStream::Pump(const std::shared_ptr<State>& state) {
  std::unique_ptr<core::events::Subscription> ended;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->scheduled = false;
    if (state->stream == nullptr || state->subscription == nullptr) return;
    while (state->unwritten < kSendWindow) {
      auto next = state->subscription->NextShared();
      if (!next.ok()) {
        state->stream->Finish(next.status());  // resumable: the message names the last id
        ended = std::move(state->subscription);
        break;
      }
      if (*next == nullptr) break;  // nothing yet: the wakeup schedules the next pump
      v1::SubscribeEventsResponse response;
      EventToProto(**next, response.mutable_event());
      ++state->unwritten;
      state->stream->Send(response);
    }
  }
  // Close waits for a wakeup in flight, which may be waiting for the mutex: close outside it.
  if (ended) ended->Close();
}

void EventSubscriptionStream::OnSendDone(bool ok) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    --state_->unwritten;
    if (!ok) return;  // the client is gone; OnCancel/OnDone follow
    // Refill once half the window is written: one pump per run of events, not per event.
    // Below that a new event's wakeup pumps at once anyway.
    if (state_->unwritten > kSendWindow / 2) return;
  }
  Schedule(state_);
}

void EventSubscriptionStream::OnCancel() { End(); }

void EventSubscriptionStream::OnDone() { End(); }

void EventSubscriptionStream::End() {
  std::unique_ptr<core::events::Subscription> subscription;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stream = nullptr;
    subscription = std::move(state_->subscription);
  }
  if (subscription) subscription->Close();
}

}  // namespace pipebridge::service

// Event streaming through the bridge: events are appended at a steady rate to the bridge's
// durable event log, while one subscriber receives them live from EventService/Subscribe over
// a real connection:
// JSON-RPC over WebSocket or TCP ($/stream notifications), or native gRPC. Every event is
// counted: delivered, lost, duplicated, out of order, and its publish->receive latency.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bridge/core/events/event_log.h"
#include "bridge/core/sqlite/database.h"

namespace pipebridge::bench {

// The client end of one subscription to the topic kStreamTopic.
class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  // Blocks until the next event: its id and the "seq" of its payload. False when the stream
  // ended, failed or stalled for 10 s (`failure` says why).
  virtual bool Next(int64_t* id, int64_t* seq, std::string* failure) = 0;
  // Any thread: makes a blocked Next return false.
  virtual void Stop() = 0;
};

inline constexpr char kStreamTopic[] = "bench.stream";

std::unique_ptr<EventSubscriber> NewWebSocketSubscriber(int port, const std::string& token);
std::unique_ptr<EventSubscriber> NewJsonRpcTcpSubscriber(int port, const std::string& token);
std::unique_ptr<EventSubscriber> NewGrpcSubscriber(const std::string& address,
                                                   const std::string& token);

struct StreamOptions {
  int rate = 20000;    // events/s published, together
  double seconds = 3;  // how long they publish
  // 0: one writer thread appends the events due each millisecond in one transaction, as a
  // burst of store changes emits its events (little publishing cost next to the delivery);
  // N > 0: N threads each call EventLog::Publish per event, what EventService/Publish runs
  // (group commit: one fsync per batch of waiting publishers; costs more CPU per event).
  int publishers = 0;
};

struct StreamResult {
  int64_t published = 0;
  double publish_seconds = 0;  // first publish to last publish returned
  int64_t delivered = 0;       // distinct events received
  int64_t duplicates = 0;
  int64_t out_of_order = 0;    // an id not above the one before
  double delivered_per_second = 0;  // delivered / (first publish -> last delivery)
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  std::string failure;  // why the stream ended early, if it did
};

// Publishes `options.rate` events/s for `options.seconds` to `log` (kept in `db`) while the
// subscriber made by `subscribe` receives them; returns once every event arrived, or 10 s after
// the last was published, or when the stream failed.
StreamResult MeasureEventStream(core::sqlite::Database& db, core::events::EventLog& log,
                                const std::function<std::unique_ptr<EventSubscriber>()>& subscribe,
                                const StreamOptions& options);

}  // namespace pipebridge::bench

#include "bench/transports/event_stream.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string_view>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "bench/transports/jsonrpc_wire.h"
#include "bench/transports/loopback.h"
#include "pipebridge/v1/events.grpc.pb.h"

namespace pipebridge::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kStallSeconds = 10;

std::string SubscribeRequestJson() {
  return absl::StrCat(
      R"({"jsonrpc":"2.0","id":1,"method":"pipebridge.v1.EventService/Subscribe","params":{"topics":[")",
      kStreamTopic, R"("]}})");
}

// A signed decimal integer at the start of `text` (the payload's seq is a whole number).
bool ParseInteger(std::string_view text, int64_t* out) {
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
  int64_t value = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) value = value * 10 + (text[i] - '0');
  *out = negative ? -value : value;
  return true;
}

// One $/stream notification of the subscription: the event's id (an int64, so a JSON string)
// and its payload's seq. Anything else ends the stream: the final response or an error.
bool ParseStreamMessage(std::string_view message, int64_t* id, int64_t* seq,
                        std::string* failure) {
  constexpr std::string_view kEventId = R"("event":{"id":")";
  constexpr std::string_view kSeq = R"("seq":)";
  if (message.find(R"("method":"$/stream")") == std::string_view::npos) {
    *failure = "the stream ended: " + std::string(message.substr(0, 300));
    return false;
  }
  size_t at = message.find(kEventId);
  size_t seq_at = message.find(kSeq);
  if (at == std::string_view::npos || seq_at == std::string_view::npos ||
      !ParseInteger(message.substr(at + kEventId.size()), id) ||
      !ParseInteger(message.substr(seq_at + kSeq.size()), seq)) {
    *failure = "an event without id or seq: " + std::string(message.substr(0, 300));
    return false;
  }
  return true;
}

class WebSocketSubscriber : public EventSubscriber {
 public:
  WebSocketSubscriber(int port, const std::string& token) : socket_(port) {
    UpgradeToWebSocket(socket_, port, token);
    socket_.SetReadTimeout(kStallSeconds);
    if (!WriteTextFrame(socket_.fd(), SubscribeRequestJson())) {
      std::fprintf(stderr, "cannot send EventService/Subscribe over WebSocket\n");
      std::exit(1);
    }
  }
  bool Next(int64_t* id, int64_t* seq, std::string* failure) override {
    std::string_view message;
    if (!ReadTextFrame(socket_, &message)) {
      *failure = "the WebSocket closed, failed or stalled";
      return false;
    }
    return ParseStreamMessage(message, id, seq, failure);
  }
  void Stop() override { socket_.Shutdown(); }

 private:
  BufferedSocket socket_;
};

class JsonRpcTcpSubscriber : public EventSubscriber {
 public:
  JsonRpcTcpSubscriber(int port, const std::string& token) : socket_(port) {
    InitializeJsonRpcTcp(socket_, token);
    socket_.SetReadTimeout(kStallSeconds);
    std::string request = SubscribeRequestJson() + "\n";
    if (!WriteAll(socket_.fd(), request.data(), request.size())) {
      std::fprintf(stderr, "cannot send EventService/Subscribe over TCP\n");
      std::exit(1);
    }
  }
  bool Next(int64_t* id, int64_t* seq, std::string* failure) override {
    std::string_view line;
    if (!socket_.ReadUntil("\n", &line)) {
      *failure = "the TCP connection closed, failed or stalled";
      return false;
    }
    return ParseStreamMessage(line, id, seq, failure);
  }
  void Stop() override { socket_.Shutdown(); }

 private:
  BufferedSocket socket_;
};

class GrpcSubscriber : public EventSubscriber {
 public:
  GrpcSubscriber(const std::string& address, const std::string& token)
      : stub_(v1::EventService::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {
    context_.AddMetadata("authorization", "Bearer " + token);
    // Bounds the whole stream; Stop() ends it sooner.
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
    v1::SubscribeEventsRequest request;
    request.add_topics(kStreamTopic);
    reader_ = stub_->Subscribe(&context_, request);
  }
  ~GrpcSubscriber() override {
    context_.TryCancel();
    reader_->Finish();
  }
  bool Next(int64_t* id, int64_t* seq, std::string* failure) override {
    if (!reader_->Read(&response_)) {
      *failure = "the gRPC stream ended";
      return false;
    }
    *id = response_.event().id();
    const auto& fields = response_.event().payload().fields();
    auto it = fields.find("seq");
    if (it == fields.end()) {
      *failure = "an event without seq";
      return false;
    }
    *seq = static_cast<int64_t>(it->second.number_value());
    return true;
  }
  void Stop() override { context_.TryCancel(); }

 private:
  std::unique_ptr<v1::EventService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEventsResponse>> reader_;
  v1::SubscribeEventsResponse response_;
};

int64_t Nanos(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

core::events::EventDraft Draft(int64_t seq) {
  core::events::EventDraft draft;
  draft.topic = kStreamTopic;
  draft.user = "transport_load";
  draft.custom = true;
  draft.payload = {{"seq", seq}};
  return draft;
}

absl::Status PublishSeq(core::events::EventLog& log, int64_t seq) {
  return log.Publish(Draft(seq)).status();
}

// One thread: every millisecond, the events due so far in one transaction.
absl::Status AppendInTicks(core::sqlite::Database& db, core::events::EventLog& log,
                           Clock::time_point start, Clock::duration interval, int64_t total,
                           std::vector<int64_t>& sent_at, std::atomic<int64_t>& published) {
  int64_t next = 0;
  while (next < total) {
    const auto now = Clock::now();
    const int64_t due = std::min<int64_t>(total, (now - start) / interval + 1);
    if (due <= next) {
      std::this_thread::sleep_until(std::max(start + next * interval,
                                             now + std::chrono::milliseconds(1)));
      continue;
    }
    const int64_t began = Nanos(now);
    absl::Status status = db.Write([&](core::sqlite::Transaction& txn) -> absl::Status {
      for (int64_t i = next; i < due; ++i) {
        sent_at[i] = began;
        absl::StatusOr<int64_t> id = log.Append(txn, Draft(i));
        if (!id.ok()) return id.status();
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    published.fetch_add(due - next);
    next = due;
  }
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<EventSubscriber> NewWebSocketSubscriber(int port, const std::string& token) {
  return std::make_unique<WebSocketSubscriber>(port, token);
}
std::unique_ptr<EventSubscriber> NewJsonRpcTcpSubscriber(int port, const std::string& token) {
  return std::make_unique<JsonRpcTcpSubscriber>(port, token);
}
std::unique_ptr<EventSubscriber> NewGrpcSubscriber(const std::string& address,
                                                   const std::string& token) {
  return std::make_unique<GrpcSubscriber>(address, token);
}

StreamResult MeasureEventStream(core::sqlite::Database& db, core::events::EventLog& log,
                                const std::function<std::unique_ptr<EventSubscriber>()>& subscribe,
                                const StreamOptions& options) {
  StreamResult result;
  const int64_t total = static_cast<int64_t>(options.rate * options.seconds);
  std::vector<int64_t> sent_at(total, 0);      // ns, set by the publishers
  std::vector<int64_t> received_at(total, 0);  // ns, set by the reader
  std::atomic<int64_t> delivered{0};
  std::atomic<bool> live{false};
  std::atomic<bool> ended{false};
  int64_t last_received = 0;
  std::string failure;

  std::unique_ptr<EventSubscriber> subscriber = subscribe();
  std::thread reader([&] {
    int64_t last_id = 0;
    int64_t id = 0;
    int64_t seq = 0;
    while (subscriber->Next(&id, &seq, &failure)) {
      const int64_t now = Nanos(Clock::now());
      if (id <= last_id) ++result.out_of_order;
      last_id = id;
      if (seq < 0) {  // a warm-up event: the subscription is live
        live = true;
        continue;
      }
      if (seq >= total) continue;
      if (received_at[seq] != 0) {
        ++result.duplicates;
        continue;
      }
      received_at[seq] = now;
      last_received = now;
      delivered.fetch_add(1, std::memory_order_release);
    }
    ended = true;
  });

  // Subscribe is asynchronous: warm-up events until one arrives, so none of the measured
  // ones is published before the subscription is live.
  const auto warmup_deadline = Clock::now() + std::chrono::seconds(5);
  while (!live && !ended && Clock::now() < warmup_deadline) {
    if (absl::Status status = PublishSeq(log, -1); !status.ok()) {
      result.failure = absl::StrCat("warm-up publish failed: ", status.ToString());
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!live && result.failure.empty()) result.failure = "the subscription never went live";

  if (result.failure.empty()) {
    std::atomic<int64_t> published{0};
    std::atomic<bool> publish_failed{false};
    const auto start = Clock::now();
    const auto interval = std::chrono::nanoseconds(1'000'000'000LL / options.rate);
    std::vector<std::thread> publishers;
    if (options.publishers == 0) {
      publishers.emplace_back([&] {
        if (!AppendInTicks(db, log, start, interval, total, sent_at, published).ok()) {
          publish_failed = true;
        }
      });
    }
    for (int p = 0; p < options.publishers; ++p) {
      publishers.emplace_back([&, p] {
        for (int64_t i = p; i < total && !publish_failed; i += options.publishers) {
          std::this_thread::sleep_until(start + i * interval);
          sent_at[i] = Nanos(Clock::now());
          if (!PublishSeq(log, i).ok()) {
            publish_failed = true;
            return;
          }
          published.fetch_add(1);
        }
      });
    }
    for (std::thread& publisher : publishers) publisher.join();
    const auto publish_end = Clock::now();
    result.published = published.load();
    result.publish_seconds = std::chrono::duration<double>(publish_end - start).count();
    if (publish_failed) result.failure = "a publish failed";
    const auto wait_end = publish_end + std::chrono::seconds(kStallSeconds);
    while (!ended && delivered.load(std::memory_order_acquire) < result.published &&
           Clock::now() < wait_end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    subscriber->Stop();
    reader.join();
    result.delivered = delivered.load();
    if (result.delivered < result.published && result.failure.empty()) result.failure = failure;
    const double span_s = static_cast<double>(last_received - Nanos(start)) / 1e9;
    if (span_s > 0) result.delivered_per_second = static_cast<double>(result.delivered) / span_s;
    std::vector<double> latencies_ms;
    latencies_ms.reserve(static_cast<size_t>(result.delivered));
    for (int64_t i = 0; i < total; ++i) {
      if (received_at[i] != 0) latencies_ms.push_back((received_at[i] - sent_at[i]) / 1e6);
    }
    std::sort(latencies_ms.begin(), latencies_ms.end());
    if (!latencies_ms.empty()) {
      result.p50_ms = latencies_ms[latencies_ms.size() / 2];
      result.p99_ms = latencies_ms[latencies_ms.size() * 99 / 100];
      result.max_ms = latencies_ms.back();
    }
    return result;
  }
  subscriber->Stop();
  reader.join();
  return result;
}

}  // namespace pipebridge::bench

// events_load: N live subscribers, events published at a steady rate for a
// few seconds. Prints per-event delivery latency from COMMIT (and from the
// start of the publishing Write) to the Next() call that returns it, and
// checks every subscriber got every event exactly once, in order.
//
// Consumers are driven the way a stream server drives them: the wakeup
// schedules the subscription on a small worker pool, and a worker drains it
// with Next() until nullopt.
//
//   events_load [--subscribers=100] [--rate=5000] [--seconds=5] [--workers=4]
//               [--publishers=2] [--durability=normal|full] [--slow=1] [--shared]
//               [--publish]
// --shared consumes with NextShared() (no per-subscriber copy) instead of Next().
// --publish publishes with EventLog::Publish (group commit: the path of EventService/Publish)
// instead of one Database::Write + Append per event; commit->Next is then not measured.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bridge/core/events/event_log.h"
#include "bridge/core/sqlite/database.h"

namespace {

using pipebridge::core::events::EventDraft;
using pipebridge::core::events::EventLog;
using pipebridge::core::events::SubscribeOptions;
using pipebridge::core::events::Subscription;
namespace sqlite = pipebridge::core::sqlite;
using Clock = std::chrono::steady_clock;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Flags {
  int subscribers = 100;
  int rate = 5000;
  double seconds = 5;
  int workers = 4;
  bool full_durability = false;
  int slow = 1;
  int publishers = 2;
  bool shared = false;
  bool publish = false;
};

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      size_t n = std::strlen(name);
      return arg.compare(0, n, name) == 0 ? arg.c_str() + n : nullptr;
    };
    if (const char* v = value("--subscribers=")) {
      flags.subscribers = std::atoi(v);
    } else if (const char* v2 = value("--rate=")) {
      flags.rate = std::atoi(v2);
    } else if (const char* v3 = value("--seconds=")) {
      flags.seconds = std::atof(v3);
    } else if (const char* v4 = value("--workers=")) {
      flags.workers = std::atoi(v4);
    } else if (const char* v5 = value("--durability=")) {
      flags.full_durability = std::string(v5) == "full";
    } else if (const char* v6 = value("--slow=")) {
      flags.slow = std::atoi(v6);
    } else if (const char* v7 = value("--publishers=")) {
      flags.publishers = std::max(1, std::atoi(v7));
    } else if (arg == "--shared") {
      flags.shared = true;
    } else if (arg == "--publish") {
      flags.publish = true;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", arg.c_str());
      std::exit(2);
    }
  }
  return flags;
}

// Subscriptions whose wakeup fired, waiting for a worker.
class ReadyQueue {
 public:
  void Push(int index) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.push_back(index);
    }
    cv_.notify_one();
  }
  // -1 when stopped.
  int Pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [this] { return stopped_ || !ready_.empty(); });
    if (ready_.empty()) return -1;
    int index = ready_.front();
    ready_.pop_front();
    return index;
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<int> ready_;
  bool stopped_ = false;
};

struct Subscriber {
  std::unique_ptr<Subscription> subscription;
  std::atomic<bool> scheduled{false};
  std::mutex mutex;  // One worker drains a subscriber at a time.
  int64_t last_id = 0;
  int64_t received = 0;
  int64_t out_of_order = 0;
  std::atomic<bool> failed{false};
  std::string failure;
};

struct Percentiles {
  double p50, p90, p99, p999, max;
};

Percentiles Summarize(std::vector<int32_t>& micros) {
  if (micros.empty()) return {0, 0, 0, 0, 0};
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    size_t i = std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()));
    return micros[i] / 1000.0;
  };
  return {at(0.50), at(0.90), at(0.99), at(0.999), micros.back() / 1000.0};
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  std::string dir = (std::filesystem::temp_directory_path() / "pb_events_load_XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return 1;

  sqlite::OpenOptions db_options;
  db_options.durability =
      flags.full_durability ? sqlite::Durability::kFull : sqlite::Durability::kNormal;
  auto db = sqlite::Database::Open(dir + "/events.db", db_options);
  if (!db.ok()) {
    std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
    return 1;
  }
  auto log = EventLog::Open(**db);
  if (!log.ok()) {
    std::fprintf(stderr, "open log: %s\n", log.status().ToString().c_str());
    return 1;
  }

  const int64_t total = static_cast<int64_t>(flags.rate * flags.seconds);
  // Commit and write-start times per id (1-based), written by the publisher.
  std::vector<std::atomic<int64_t>> committed_at(total + 2);
  std::vector<std::atomic<int64_t>> started_at(total + 2);

  ReadyQueue ready;
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (int i = 0; i < flags.subscribers; ++i) {
    subscribers.push_back(std::make_unique<Subscriber>());
    Subscriber* s = subscribers.back().get();
    SubscribeOptions options;  // Live, every topic, default queue capacity.
    auto sub = (*log)->Subscribe(options, [s, i, &ready] {
      if (!s->scheduled.exchange(true)) ready.Push(i);
    });
    if (!sub.ok()) {
      std::fprintf(stderr, "subscribe: %s\n", sub.status().ToString().c_str());
      return 1;
    }
    s->subscription = std::move(*sub);
  }
  // Slow subscribers never drain: they must end alone, without slowing anyone.
  std::vector<std::unique_ptr<Subscription>> slow;
  std::atomic<int> slow_wakeups{0};
  for (int i = 0; i < flags.slow; ++i) {
    SubscribeOptions options;
    options.queue_capacity = 1000;
    auto sub = (*log)->Subscribe(options, [&slow_wakeups] { ++slow_wakeups; });
    if (!sub.ok()) return 1;
    slow.push_back(std::move(*sub));
  }

  std::mutex samples_mutex;
  std::vector<int32_t> from_commit;
  std::vector<int32_t> from_write;
  from_commit.reserve(static_cast<size_t>(total) * flags.subscribers);
  from_write.reserve(static_cast<size_t>(total) * flags.subscribers);
  std::vector<std::thread> workers;
  for (int w = 0; w < flags.workers; ++w) {
    workers.emplace_back([&] {
      std::vector<int32_t> commit_local;
      std::vector<int32_t> write_local;
      while (true) {
        int index = ready.Pop();
        if (index < 0) break;
        Subscriber& s = *subscribers[index];
        std::lock_guard<std::mutex> lock(s.mutex);
        s.scheduled.store(false);  // Wakeups from now on schedule us again.
        while (true) {
          int64_t id = 0;
          int64_t sent = 0;  // the publisher's index of the event (its payload's entity id)
          absl::Status failure;
          if (flags.shared) {
            auto next = s.subscription->NextShared();
            if (!next.ok()) failure = next.status();
            if (next.ok() && *next != nullptr) {
              id = (*next)->id;
              sent = (*next)->payload["entity"]["id"].get<int64_t>();
            }
          } else {
            auto next = s.subscription->Next();
            if (!next.ok()) failure = next.status();
            if (next.ok() && next->has_value()) {
              id = (*next)->id;
              sent = (*next)->payload["entity"]["id"].get<int64_t>();
            }
          }
          int64_t now = NowNanos();
          if (!failure.ok()) {
            s.failure = failure.ToString();
            s.failed = true;
            break;
          }
          if (id == 0) break;
          if (id != s.last_id + 1) ++s.out_of_order;
          s.last_id = id;
          ++s.received;
          if (id <= total) {
            if (!flags.publish) {
              commit_local.push_back(static_cast<int32_t>((now - committed_at[id].load()) / 1000));
            }
            write_local.push_back(static_cast<int32_t>((now - started_at[sent].load()) / 1000));
          }
        }
        if (write_local.size() > 100000) {
          std::lock_guard<std::mutex> samples_lock(samples_mutex);
          from_commit.insert(from_commit.end(), commit_local.begin(), commit_local.end());
          from_write.insert(from_write.end(), write_local.begin(), write_local.end());
          commit_local.clear();
          write_local.clear();
        }
      }
      std::lock_guard<std::mutex> samples_lock(samples_mutex);
      from_commit.insert(from_commit.end(), commit_local.begin(), commit_local.end());
      from_write.insert(from_write.end(), write_local.begin(), write_local.end());
    });
  }

  // Publishers: one event per Write, together at a steady rate (each catches
  // up when late).
  std::mutex write_mutex;
  std::vector<int32_t> write_micros;
  write_micros.reserve(total);
  std::atomic<bool> publish_failed{false};
  const auto start = Clock::now();
  const auto interval = std::chrono::nanoseconds(1'000'000'000LL / flags.rate);
  std::vector<std::thread> publishers;
  for (int p = 0; p < flags.publishers; ++p) {
    publishers.emplace_back([&, p] {
      std::vector<int32_t> local;
      for (int64_t i = p; i < total; i += flags.publishers) {
        std::this_thread::sleep_until(start + i * interval);
        int64_t began = NowNanos();
        started_at[i].store(began);
        EventDraft draft;
        draft.topic = "publish.created";
        draft.user = "loadtest";
        draft.source_host = "bench";
        draft.payload = {{"entity", {{"type", "Asset"}, {"id", i}}}, {"version", i % 100}};
        absl::Status status;
        if (flags.publish) {
          status = (*log)->Publish(std::move(draft)).status();
        } else {
          int64_t id = 0;
          status = (*db)->Write([&](sqlite::Transaction& txn) -> absl::Status {
            // Registered before Append's own callback: runs first, right after COMMIT.
            txn.AfterCommit([&committed_at, &id] { committed_at[id].store(NowNanos()); });
            auto appended = (*log)->Append(txn, std::move(draft));
            if (!appended.ok()) return appended.status();
            id = *appended;
            return absl::OkStatus();
          });
        }
        if (!status.ok()) {
          std::fprintf(stderr, "publish: %s\n", status.ToString().c_str());
          publish_failed = true;
          return;
        }
        local.push_back(static_cast<int32_t>((NowNanos() - began) / 1000));
      }
      std::lock_guard<std::mutex> lock(write_mutex);
      write_micros.insert(write_micros.end(), local.begin(), local.end());
    });
  }
  for (std::thread& publisher : publishers) publisher.join();
  if (publish_failed) return 1;
  const double publish_seconds =
      std::chrono::duration<double>(Clock::now() - start).count();

  // Wait for every subscriber to get everything (or give up after 30 s).
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    bool done = true;
    for (auto& s : subscribers) {
      std::lock_guard<std::mutex> lock(s->mutex);
      if (s->failed || s->last_id < total) done = false;
      if (s->failed) break;
    }
    if (done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ready.Stop();
  for (std::thread& worker : workers) worker.join();

  int64_t received = 0;
  int64_t out_of_order = 0;
  int complete = 0;
  int failed = 0;
  std::string first_failure;
  for (auto& s : subscribers) {
    received += s->received;
    out_of_order += s->out_of_order;
    if (s->last_id == total && s->received == total) ++complete;
    if (s->failed) {
      ++failed;
      if (first_failure.empty()) first_failure = s->failure;
    }
  }
  std::string slow_status = "none";
  if (!slow.empty()) {
    auto next = slow[0]->Next();
    slow_status = next.ok() ? "still live" : next.status().ToString();
  }

  Percentiles commit = Summarize(from_commit);
  Percentiles write = Summarize(from_write);
  Percentiles writes = Summarize(write_micros);
  const int64_t expected = total * flags.subscribers;
  std::printf("events_load: %d subscribers (+%d never draining), %d workers, %d publishers, "
              "durability=%s, %s, %s\n",
              flags.subscribers, flags.slow, flags.workers, flags.publishers,
              flags.full_durability ? "full" : "normal",
              flags.publish ? "Publish() (group commit)" : "Write()+Append() per event",
              flags.shared ? "NextShared()" : "Next() (copies each event)");
  std::printf("published      %lld events in %.2f s (%.0f events/s, target %d)\n",
              static_cast<long long>(total), publish_seconds, total / publish_seconds,
              flags.rate);
  std::printf("delivered      %lld of %lld (%lld lost), %lld out of order/duplicate, "
              "%d/%d subscribers complete, %d failed%s%s\n",
              static_cast<long long>(received), static_cast<long long>(expected),
              static_cast<long long>(expected - received), static_cast<long long>(out_of_order),
              complete, flags.subscribers, failed, failed ? ": " : "", first_failure.c_str());
  if (!flags.publish) std::printf("latency commit->Next (ms)   p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
              commit.p50, commit.p90, commit.p99, commit.p999, commit.max);
  std::printf("latency write->Next  (ms)   p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
              write.p50, write.p90, write.p99, write.p999, write.max);
  std::printf("publish call incl. fan-out (ms) p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
              writes.p50, writes.p90, writes.p99, writes.p999, writes.max);
  std::printf("slow subscriber: %s (wakeups %d)\n", slow_status.c_str(), slow_wakeups.load());

  for (auto& s : subscribers) s->subscription->Close();
  slow.clear();
  log->reset();
  db->reset();
  std::filesystem::remove_all(dir);
  bool ok = received == expected && out_of_order == 0 && failed == 0;
  std::printf("result: %s\n", ok ? "OK (every event to every subscriber, in order)" : "FAILED");
  return ok ? 0 : 1;
}

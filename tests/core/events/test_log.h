// Shared fixture: a temporary database with an EventLog, and helpers.
#pragma once

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bridge/core/events/event_log.h"
#include "bridge/core/sqlite/database.h"
#include "gtest/gtest.h"

namespace pipebridge::core::events::testing {

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "pb_events_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/store.db";
    Reopen();
  }
  void TearDown() override {
    log_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  // (Re)opens the database and the log with `options`.
  void Reopen(EventLogOptions options = {}) {
    log_.reset();
    db_.reset();
    sqlite::OpenOptions db_options;
    db_options.durability = sqlite::Durability::kNormal;
    auto db = sqlite::Database::Open(path_, db_options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    if (!options.clock) options.clock = [this] { return Now(); };
    auto log = EventLog::Open(*db_, std::move(options));
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }

  absl::Time Now() {
    std::lock_guard<std::mutex> lock(clock_mutex_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(clock_mutex_);
    now_ += d;
  }

  static EventDraft Draft(std::string topic, nlohmann::json payload = nlohmann::json::object()) {
    EventDraft draft;
    draft.topic = std::move(topic);
    draft.user = "alice";
    draft.source_host = "maya-1";
    draft.payload = std::move(payload);
    return draft;
  }

  int64_t PublishOk(std::string topic, nlohmann::json payload = nlohmann::json::object()) {
    auto event = log_->Publish(Draft(std::move(topic), std::move(payload)));
    EXPECT_TRUE(event.ok()) << event.status();
    return event.ok() ? event->id : -1;
  }

  // Every matching event, paging through List as a client would.
  std::vector<Event> ListAll(ListOptions options = {}) {
    if (options.limit == 0) options.limit = kMaxListLimit;
    std::vector<Event> events;
    while (true) {
      auto result = log_->List(options);
      EXPECT_TRUE(result.ok()) << result.status();
      if (!result.ok()) return events;
      for (Event& event : result->events) events.push_back(std::move(event));
      if (!result->has_more) return events;
      options.after_id = events.back().id;
    }
  }

  std::vector<int64_t> ListIds(ListOptions options = {}) {
    std::vector<int64_t> ids;
    for (const Event& event : ListAll(std::move(options))) ids.push_back(event.id);
    return ids;
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<sqlite::Database> db_;
  std::unique_ptr<EventLog> log_;
  std::mutex clock_mutex_;
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
};

// Drains a subscription on the calling thread: Next() until nullopt.
// Returns the first error, if any.
inline absl::Status Drain(Subscription& subscription, std::vector<int64_t>& ids) {
  while (true) {
    auto next = subscription.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) return absl::OkStatus();
    ids.push_back((*next)->id);
  }
}

inline std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> ids;
  for (int64_t id = first; id <= last; ++id) ids.push_back(id);
  return ids;
}

}  // namespace pipebridge::core::events::testing

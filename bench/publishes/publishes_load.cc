// Register throughput on a real file with durable commits.
//
//   publishes_load [--dir DIR] [--count N] [--threads T] [--runs seq,threads,many,reserve,normal]
//
// --runs picks runs by name (default: all), e.g. `--runs seq` for a profile of one
// thread's Register under callgrind.
// Every publish has a context (shot + task), a checksum, metadata and one
// dependency on an earlier publish, i.e. a PublishedFile entity, a row in
// pb_publishes, a version counter bump, a dependency edge and (as in the
// server, with the server's own change listener) a publish.created event per
// publish.
// Prints publishes/s for: one thread, T threads, batches (RegisterMany), and
// for comparison synchronous=NORMAL, plus ReserveVersion/s.
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bridge/core/entities/entity_store.h"
#include "bridge/core/events/event_log.h"
#include "bridge/core/publishes/publish_store.h"
#include "bridge/core/publishes/publishes_schema.h"
#include "bridge/server/change_events.h"

namespace {

using nlohmann::json;
using pipebridge::core::entities::EntityStore;
using pipebridge::core::entities::StoreOptions;
using pipebridge::core::publishes::DependencyRef;
using pipebridge::core::publishes::PublishStore;
using pipebridge::core::publishes::RegisterRequest;
using pipebridge::core::publishes::VersionKey;
using pipebridge::core::sqlite::Durability;

// The project events are stamped with (the listener keeps a reference to it).
const pipebridge::core::events::ProjectRef kProject{"Project", 1, "Bench"};

struct Fixture {
  // Commits of the writer connection (SQLite's commit hook): with group commit, concurrent
  // Registers share a transaction, hence a WAL fsync. Heap-held: the hook keeps its address.
  std::unique_ptr<std::atomic<int64_t>> commits = std::make_unique<std::atomic<int64_t>>(0);
  std::unique_ptr<EntityStore> entities;
  std::unique_ptr<pipebridge::core::events::EventLog> events;
  std::unique_ptr<PublishStore> publishes;
  json context;
};

[[noreturn]] void Die(const absl::Status& status) {
  std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
  std::exit(1);
}

Fixture Open(const std::string& path, Durability durability) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  StoreOptions options;
  options.database.durability = durability;
  if (absl::Status s = pipebridge::core::publishes::AddPublishesSchema(options.schema); !s.ok()) Die(s);
  auto store = EntityStore::Open(path, std::move(options));
  if (!store.ok()) Die(store.status());
  Fixture f;
  f.entities = std::move(*store);
  auto events = pipebridge::core::events::EventLog::Open(f.entities->database());
  if (!events.ok()) Die(events.status());
  f.events = std::move(*events);
  f.entities->SetChangeListener(pipebridge::server::MakeChangeEventListener(*f.events, kProject));
  absl::Status hooked = f.entities->database().Write([&](pipebridge::core::sqlite::Transaction& txn) {
    sqlite3_commit_hook(
        txn.connection().raw(),
        [](void* counter) {
          ++*static_cast<std::atomic<int64_t>*>(counter);
          return 0;  // 0: let the commit proceed
        },
        f.commits.get());
    return absl::OkStatus();
  });
  if (!hooked.ok()) Die(hooked);
  auto publishes = PublishStore::Open(*f.entities);
  if (!publishes.ok()) Die(publishes.status());
  f.publishes = std::move(*publishes);
  auto create = [&](const std::string& type, json data) {
    pipebridge::core::entities::CreateRequest request{type, std::move(data), {}};
    auto record = f.entities->Create(request);
    if (!record.ok()) Die(record.status());
    return (*record)["id"].get<int64_t>();
  };
  int64_t project = create("Project", {{"name", "Bench"}});
  int64_t shot = create("Shot", {{"code", "sh010"}, {"project", {{"type", "Project"}, {"id", project}}}});
  int64_t step = create("Step", {{"code", "anim"}});
  int64_t task = create("Task", {{"content", "anim"},
                                 {"entity", {{"type", "Shot"}, {"id", shot}}},
                                 {"step", {{"type", "Step"}, {"id", step}}}});
  f.context = {{"entity", {{"type", "Shot"}, {"id", shot}}}, {"task", {{"type", "Task"}, {"id", task}}}};
  return f;
}

RegisterRequest MakeRequest(const Fixture& f, const std::string& tag, int i) {
  RegisterRequest r;
  r.path = "/mnt/projects/bench/shots/sh010/anim/publish/" + tag + "/cache_" + std::to_string(i) + ".abc";
  r.name = "cache_" + std::to_string(i % 50);
  r.publish_type = "Alembic Cache";
  r.context = f.context;
  r.checksum = "sha256:" + std::string(64, 'e');
  r.size_bytes = 1 << 20;
  r.metadata = {{"frames", 240}, {"tool", "bench"}};
  r.created_by = "bench";
  if (i > 0) r.dependencies = {DependencyRef::ByPath(
                 "/mnt/projects/bench/shots/sh010/anim/publish/" + tag + "/cache_" + std::to_string(i - 1) + ".abc")};
  return r;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Report(const char* label, int count, double seconds, int64_t commits) {
  std::printf("  %-44s %7d publishes in %6.2f s = %8.0f publishes/s, %6lld commits (%.1f publishes each)\n",
              label, count, seconds, count / seconds, static_cast<long long>(commits),
              commits > 0 ? static_cast<double>(count) / static_cast<double>(commits) : 0.0);
}

void Sequential(Fixture& f, int count, const char* label) {
  f.publishes->Register(MakeRequest(f, "warm", 0)).IgnoreError();
  const int64_t commits = *f.commits;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    auto p = f.publishes->Register(MakeRequest(f, "seq", i));
    if (!p.ok()) Die(p.status());
  }
  Report(label, count, Seconds(start), *f.commits - commits);
}

void Threads(Fixture& f, int count, int threads) {
  std::atomic<int> errors{0};
  const int64_t commits = *f.commits;
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const std::string tag = "thread" + std::to_string(t);
      for (int i = 0; i < count / threads; ++i) {
        if (!f.publishes->Register(MakeRequest(f, tag, i)).ok()) ++errors;
      }
    });
  }
  for (std::thread& w : workers) w.join();
  if (errors > 0) std::fprintf(stderr, "%d registers failed\n", errors.load());
  char label[64];
  std::snprintf(label, sizeof label, "Register, %d threads, synchronous=FULL", threads);
  Report(label, count / threads * threads, Seconds(start), *f.commits - commits);
}

void Batched(Fixture& f, int count, int batch) {
  const int64_t commits = *f.commits;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; i += batch) {
    std::vector<RegisterRequest> requests;
    for (int j = i; j < i + batch && j < count; ++j) requests.push_back(MakeRequest(f, "batch", j));
    auto p = f.publishes->RegisterMany(requests);
    if (!p.ok()) Die(p.status());
  }
  char label[64];
  std::snprintf(label, sizeof label, "RegisterMany x%d, synchronous=FULL", batch);
  Report(label, count, Seconds(start), *f.commits - commits);
}

void Reserve(Fixture& f, int count) {
  VersionKey key{f.context, "reserve_bench", "Alembic Cache"};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    if (auto v = f.publishes->ReserveVersion(key); !v.ok()) Die(v.status());
  }
  const double s = Seconds(start);
  std::printf("  %-44s %7d versions  in %6.2f s = %8.0f versions/s\n", "ReserveVersion, synchronous=FULL", count, s,
              count / s);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::filesystem::current_path().string();
  int count = 5000;
  int threads = 4;
  std::string runs = "seq,threads,many,reserve,normal";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--dir") dir = argv[i + 1];
    else if (flag == "--count") count = std::atoi(argv[i + 1]);
    else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
    else if (flag == "--runs") runs = argv[i + 1];
  }
  auto wanted = [&runs](const std::string& name) {
    return ("," + runs + ",").find("," + name + ",") != std::string::npos;
  };
  const std::string path = dir + "/publishes_load.db";
  std::printf("publishes_load: %d publishes per run, WAL, file in %s\n", count, dir.c_str());
  std::printf("durable = synchronous=FULL (the store's default: every commit fsyncs the WAL)\n");
  if (wanted("seq")) {
    Fixture f = Open(path, Durability::kFull);
    Sequential(f, count, "Register, 1 thread, synchronous=FULL");
  }
  if (wanted("threads")) {
    Fixture f = Open(path, Durability::kFull);
    Threads(f, count, threads);
  }
  if (wanted("many")) {
    Fixture f = Open(path, Durability::kFull);
    Batched(f, count, 50);
  }
  if (wanted("reserve")) {
    Fixture f = Open(path, Durability::kFull);
    Reserve(f, count);
  }
  if (wanted("normal")) {
    Fixture f = Open(path, Durability::kNormal);
    Sequential(f, count, "Register, 1 thread, synchronous=NORMAL");
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return 0;
}

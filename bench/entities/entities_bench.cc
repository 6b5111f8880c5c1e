// Entity store benchmarks: Find with three filters on 100,000 shots (target:
// p50 under 1 ms) and Create throughput. Prints Google Benchmark tables with
// p50/p99 counters (microseconds) for the Find cases.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "bridge/core/entities/entity_store.h"

namespace pb = pipebridge::core::entities;
using nlohmann::json;

namespace {

constexpr int kProjects = 10;
constexpr int kSequencesPerProject = 20;
constexpr int kShots = 100000;
const char* const kStatuses[] = {"wtg", "rdy", "ip", "rev", "hld", "omt", "fin"};

std::string TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "pb_entities_bench_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

json Link(const std::string& type, int64_t id) { return {{"type", type}, {"id", id}}; }

struct Dataset {
  std::string dir;
  std::unique_ptr<pb::EntityStore> store;
  std::vector<int64_t> projects;
  std::vector<int64_t> sequences;  // kSequencesPerProject per project, in project order
};

std::vector<int64_t> IdsOf(pb::EntityStore& store, const std::string& type) {
  pb::FindRequest request;
  request.entity_type = type;
  auto found = store.Find(request);
  if (!found.ok()) std::abort();
  std::vector<int64_t> ids;
  for (const json& record : *found) ids.push_back(record["id"]);
  return ids;
}

// PIPEBRIDGE_BENCH_DB=<folder> reuses the bench.db that an earlier run kept
// (PIPEBRIDGE_BENCH_KEEP_DB=1) instead of seeding: a run under callgrind then
// measures the finds, not the seeding. Open still migrates it to this build.
// The dataset once a benchmark asked for it, else null (main() must not seed it to delete it).
Dataset* seeded_dataset = nullptr;

Dataset& Shots100k() {
  static Dataset* data = seeded_dataset = [] {
    auto* d = new Dataset;
    const char* reuse = std::getenv("PIPEBRIDGE_BENCH_DB");
    d->dir = reuse != nullptr ? std::string(reuse) : TempDir();
    pb::StoreOptions options;
    options.database.durability = pipebridge::core::sqlite::Durability::kNormal;
    auto store = pb::EntityStore::Open(d->dir + "/bench.db", options);
    if (!store.ok()) std::abort();
    d->store = std::move(*store);
    if (reuse != nullptr) {
      d->projects = IdsOf(*d->store, "Project");
      d->sequences = IdsOf(*d->store, "Sequence");
      if (d->projects.size() != kProjects || d->sequences.size() != kProjects * kSequencesPerProject) std::abort();
      std::printf("reusing %s/bench.db\n", d->dir.c_str());
      return d;
    }
    auto t0 = std::chrono::steady_clock::now();
    for (int p = 0; p < kProjects; ++p) {
      d->projects.push_back((*d->store->Create({"Project", {{"name", "P" + std::to_string(p)}}, {}}))["id"]);
      for (int s = 0; s < kSequencesPerProject; ++s) {
        d->sequences.push_back((*d->store->Create(
            {"Sequence", {{"code", "sq" + std::to_string(s)}, {"project", Link("Project", d->projects.back())}}, {}}))["id"]);
      }
    }
    std::vector<pb::BatchItem> batch;
    for (int i = 0; i < kShots; ++i) {
      int seq_index = i % static_cast<int>(d->sequences.size());
      int project_index = seq_index / kSequencesPerProject;
      pb::BatchItem item;
      item.entity_type = "Shot";
      item.data = {{"code", "sh" + std::to_string(i)},
                   {"project", Link("Project", d->projects[project_index])},
                   {"sg_sequence", Link("Sequence", d->sequences[seq_index])},
                   {"sg_status_list", kStatuses[(i / 7) % 7]},
                   {"sg_cut_in", 1001 + i % 200},
                   {"description", "shot number " + std::to_string(i)}};
      batch.push_back(std::move(item));
      if (batch.size() == 2000) {
        if (!d->store->Batch(batch).ok()) std::abort();
        batch.clear();
      }
    }
    if (!batch.empty() && !d->store->Batch(batch).ok()) std::abort();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("seeded %d shots in %.1f s (%.0f creates/s in batches of 2000)\n", kShots, seconds, kShots / seconds);
    return d;
  }();
  return *data;
}

void ReportPercentiles(benchmark::State& state, std::vector<double>& micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
}

void RunFind(benchmark::State& state, const pb::FindRequest& request) {
  Dataset& d = Shots100k();
  std::vector<double> micros;
  size_t rows = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto found = d.store->Find(request);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (!found.ok()) {
      state.SkipWithError(std::string(found.status().message()).c_str());
      return;
    }
    rows = found->size();
    benchmark::DoNotOptimize(found);
  }
  state.counters["rows"] = static_cast<double>(rows);
  ReportPercentiles(state, micros);
}

// project is P, sg_sequence is S, sg_status_list in [ip, rdy]: ~140 rows.
void BM_Find3Filters_Links(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", d.projects[3])},
                     {"sg_sequence", "is", Link("Sequence", d.sequences[3 * kSequencesPerProject + 5])},
                     {"sg_status_list", "in", {"ip", "rdy"}}};
  request.fields = {"code", "sg_status_list", "sg_sequence", "sg_cut_in"};
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_Links)->Unit(benchmark::kMicrosecond);

// project is P, sg_status_list is ip, sg_cut_in between: a page of 50 ordered by code.
void BM_Find3Filters_Page50(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", d.projects[7])},
                     {"sg_status_list", "is", "ip"},
                     {"sg_cut_in", "between", {1050, 1150}}};
  request.fields = {"code", "sg_status_list", "sg_sequence"};
  request.order = {{"code", "asc"}};
  request.limit = 50;
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_Page50)->Unit(benchmark::kMicrosecond);

// Dotted: sequence code via a join, plus status and project.
void BM_Find3Filters_Dotted(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", d.projects[1])},
                     {"sg_sequence.Sequence.code", "is", "sq7"},
                     {"sg_status_list", "is_not", "omt"}};
  request.fields = {"code", "sg_sequence.Sequence.code"};
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_Dotted)->Unit(benchmark::kMicrosecond);

// The Dotted filters, a page of 50 ordered by code descending.
void BM_Find3Filters_DottedPage(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", d.projects[1])},
                     {"sg_sequence.Sequence.code", "is", "sq7"},
                     {"sg_status_list", "is_not", "omt"}};
  request.fields = {"code", "sg_sequence.Sequence.code"};
  request.order = {{"code", "desc"}};
  request.limit = 50;
  request.page = 2;
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_DottedPage)->Unit(benchmark::kMicrosecond);

// Shot i is in sequence i % 200, of project (i % 200) / 20, coded "sq<(i % 200) % 20>".
constexpr const char* kShotOfProject1 = "sh4221";  // sequence 21: project 1, "sq1"

// A dotted filter that is NOT selective (project 1's 20 sequences: 10,000
// shots) while an own field is (code, one shot): the code index must stay the
// plan (join_order.h: the code's count, one row, decides before any count of
// the linked records).
void BM_Find3Filters_DottedUnselective(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"sg_sequence.Sequence.project", "is", Link("Project", d.projects[1])},
                     {"code", "is", kShotOfProject1},
                     {"sg_status_list", "is_not", "omt"}};
  request.fields = {"code", "sg_sequence.Sequence.code"};
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_DottedUnselective)->Unit(benchmark::kMicrosecond);

// The same with the project filter too: read by the (project, code) index,
// not the project's 10,000 shots.
void BM_Find3Filters_DottedUnselectiveInProject(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", d.projects[1])},
                     {"sg_sequence.Sequence.project", "is", Link("Project", d.projects[1])},
                     {"code", "is", kShotOfProject1}};
  request.fields = {"code", "sg_sequence.Sequence.code"};
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_DottedUnselectiveInProject)->Unit(benchmark::kMicrosecond);

// Both selective: the sequence's 500 shots of the project, and one code. The
// code's count (one row) wins over the linked-first order (join_order.h): the
// (project, code) index reads that one row.
void BM_Find3Filters_DottedBothSelective(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", d.projects[1])},
                     {"sg_sequence.Sequence.code", "is", "sq1"},
                     {"code", "is", kShotOfProject1}};
  request.fields = {"code", "sg_sequence.Sequence.code"};
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_DottedBothSelective)->Unit(benchmark::kMicrosecond);

// No dotted filter: one shot by its code in the project. The (project id,
// project type, code) index must outrate the (project id, project type) one
// (table_layout.cc), or SQLite reads the project's 10,000 shots.
void BM_Find3Filters_ProjectCode(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", d.projects[1])},
                     {"code", "is", kShotOfProject1},
                     {"sg_status_list", "is_not", "omt"}};
  request.fields = {"code", "sg_status_list", "sg_sequence"};
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_ProjectCode)->Unit(benchmark::kMicrosecond);

// A handful of shots by code (a tool resolving an edit's shot list). SQLite
// alone takes "code in (json_each)" for 25 values, rates it below the
// project's equalities and reads the project's 10,000 shots; the counts
// (join_order.h) see five rows and read them by the (project, code) index.
void BM_Find3Filters_ProjectCodeIn(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", d.projects[1])},
                     {"code", "in", {"sh4221", "sh4222", "sh4223", "sh4224", "sh4225"}},
                     {"sg_status_list", "is_not", "omt"}};
  request.fields = {"code", "sg_status_list", "sg_sequence"};
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_ProjectCodeIn)->Unit(benchmark::kMicrosecond);

// A status in the project and a code prefix (starts_with is a
// case-insensitive LIKE, which no index of the BINARY code column answers):
// read by (project, status), the project's ~1,430 "ip" shots, not its 10,000.
void BM_Find3Filters_ProjectStatusCodePrefix(benchmark::State& state) {
  Dataset& d = Shots100k();
  pb::FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", d.projects[1])},
                     {"sg_status_list", "is", "ip"},
                     {"code", "starts_with", "sh42"}};
  request.fields = {"code", "sg_status_list", "sg_sequence"};
  RunFind(state, request);
}
BENCHMARK(BM_Find3Filters_ProjectStatusCodePrefix)->Unit(benchmark::kMicrosecond);

void BM_GetById(benchmark::State& state) {
  Dataset& d = Shots100k();
  int64_t id = 1;
  std::vector<double> micros;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto got = d.store->Get({"Shot", 1 + (id++ * 7919) % kShots, {"code", "sg_sequence"}, pb::RetiredMode::kActive});
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    benchmark::DoNotOptimize(got);
  }
  ReportPercentiles(state, micros);
}
BENCHMARK(BM_GetById)->Unit(benchmark::kMicrosecond);

// One Create per transaction; arg 1 = Durability::kFull (fsync per commit), 0 = kNormal.
void BM_Create(benchmark::State& state) {
  std::string dir = TempDir();
  pb::StoreOptions options;
  options.database.durability = state.range(0) == 1 ? pipebridge::core::sqlite::Durability::kFull
                                                     : pipebridge::core::sqlite::Durability::kNormal;
  auto store = pb::EntityStore::Open(dir + "/create.db", options);
  if (!store.ok()) std::abort();
  int64_t project = (*(*store)->Create({"Project", {{"name", "P"}}, {}}))["id"];
  int64_t seq = (*(*store)->Create({"Sequence", {{"code", "sq"}, {"project", Link("Project", project)}}, {}}))["id"];
  int i = 0;
  for (auto _ : state) {
    auto created = (*store)->Create({"Shot", {{"code", "sh" + std::to_string(i++)},
                                              {"project", Link("Project", project)},
                                              {"sg_sequence", Link("Sequence", seq)},
                                              {"sg_status_list", "ip"}}, {}});
    if (!created.ok()) std::abort();
  }
  state.SetItemsProcessed(state.iterations());
  store->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Create)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Creates in batches of 100 (one transaction each), durable (kFull).
void BM_BatchCreate100(benchmark::State& state) {
  std::string dir = TempDir();
  auto store = pb::EntityStore::Open(dir + "/batch.db");
  if (!store.ok()) std::abort();
  int64_t project = (*(*store)->Create({"Project", {{"name", "P"}}, {}}))["id"];
  int i = 0;
  for (auto _ : state) {
    std::vector<pb::BatchItem> batch(100);
    for (pb::BatchItem& item : batch) {
      item.entity_type = "Shot";
      item.data = {{"code", "sh" + std::to_string(i++)}, {"project", Link("Project", project)}, {"sg_status_list", "ip"}};
    }
    if (!(*store)->Batch(batch).ok()) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * 100);
  store->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_BatchCreate100)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // PIPEBRIDGE_BENCH_KEEP_DB=1 keeps the 100k-shot database for EXPLAIN QUERY PLAN.
  if (seeded_dataset == nullptr) return 0;
  const char* keep = std::getenv("PIPEBRIDGE_BENCH_KEEP_DB");
  if (keep != nullptr && std::string(keep) == "1") {
    std::printf("kept %s/bench.db\n", seeded_dataset->dir.c_str());
  } else if (std::getenv("PIPEBRIDGE_BENCH_DB") == nullptr) {
    std::filesystem::remove_all(seeded_dataset->dir);
  }
  return 0;
}

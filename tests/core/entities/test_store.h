// Shared fixture: a fresh store in a temporary folder, a pinned clock, and
// helpers that unwrap StatusOr with a readable failure.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/core/status_macros.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities::testing {

using nlohmann::json;

// 2024-06-15T12:00:00Z
absl::Time FixedNow();

class StoreTest : public ::testing::Test {
 public:
  void SetUp() override;
  void TearDown() override;

  // Opens (or reopens) the store at path_ with `options` (clock pinned unless set).
  void OpenStore(StoreOptions options = {});

  json Create(const std::string& type, json data, std::vector<std::string> return_fields = {});
  std::vector<json> Find(const std::string& type, json filters, std::vector<std::string> fields = {"code"},
                         std::vector<OrderBy> order = {});
  std::vector<int64_t> FindIds(const std::string& type, json filters, std::string filter_operator = "all");
  absl::Status FindError(const std::string& type, json filters);
  // SQLite's plan for the SELECT that Find runs for `request` (ExplainFind), one line each.
  std::vector<std::string> FindPlan(const FindRequest& request);
  // The first column of every row `sql` returns, as text, read through a reader connection.
  std::vector<std::string> QueryTexts(const std::string& sql);
  static json Link(const std::string& type, int64_t id) { return {{"type", type}, {"id", id}}; }

  std::string dir_;
  std::string path_;
  absl::Time now_;
  std::unique_ptr<EntityStore> store_;
};

// Project p, sequences sq010/sq020, shots, assets, steps: a small fixed data set.
struct SmallProject {
  int64_t project = 0, other_project = 0;
  int64_t sq010 = 0, sq020 = 0;
  std::vector<int64_t> shots;  // sh010 sh020 sh030 (sq010), sh040 sh050 (sq020), ot010 (other project)
  int64_t hero = 0, sword = 0, forest = 0;
  int64_t anim = 0, comp = 0;
  int64_t task_anim = 0, task_comp = 0, task_asset = 0;
  int64_t alice = 0, bob = 0;
};
SmallProject MakeSmallProject(StoreTest& t);

}  // namespace pipebridge::core::entities::testing

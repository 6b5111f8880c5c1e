// Shared fixture: a fresh entity store with the publish fields, a small
// project (shots, an asset, steps, tasks, a user), a templates.yml and a
// PublishStore over them.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/core/publishes/publish_store.h"
#include "bridge/core/templates/template_set.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::publishes::testing {

using nlohmann::json;

inline json Link(const std::string& type, int64_t id) { return {{"type", type}, {"id", id}}; }

// Opens an entity store at `path` with the publishes schema merged.
absl::StatusOr<std::unique_ptr<entities::EntityStore>> OpenEntityStore(const std::string& path);

class PublishTest : public ::testing::Test {
 public:
  void SetUp() override;
  void TearDown() override;

  // (Re)opens the entity and publish stores at path_.
  void OpenStores();
  void CloseStores();

  // A valid request for shot 1 (the caller adjusts it).
  RegisterRequest Request(const std::string& path, const std::string& name = "hero_model",
                          const std::string& type = "Maya Scene") const;
  json ShotContext(int shot_index = 0) const { return {{"entity", Link("Shot", shots[shot_index])}}; }
  Publish MustRegister(const RegisterRequest& request);
  // Rows in one of the module's tables, or PublishedFile records (retired too).
  int64_t CountRows(const std::string& table);
  int64_t CountPublishedFiles();

  std::string dir_;
  std::string path_;
  std::shared_ptr<const templates::TemplateSet> templates_;
  std::unique_ptr<entities::EntityStore> entities_;
  std::unique_ptr<PublishStore> publishes_;

  int64_t project = 0;
  int64_t shots[3] = {0, 0, 0};
  int64_t asset = 0;
  int64_t step_anim = 0, step_comp = 0;
  int64_t task_anim = 0, task_comp = 0;  // On shots[0].
  int64_t task_other_shot = 0;           // On shots[1].
  int64_t user = 0;
};

// Unwraps a StatusOr, failing the test with its status.
#define PB_ASSERT_OK_AND_ASSIGN(lhs, expr)                            \
  auto PB_TEST_CONCAT_(so_, __LINE__) = (expr);                       \
  ASSERT_TRUE(PB_TEST_CONCAT_(so_, __LINE__).ok()) << PB_TEST_CONCAT_(so_, __LINE__).status(); \
  lhs = std::move(PB_TEST_CONCAT_(so_, __LINE__)).value()
#define PB_TEST_CONCAT_INNER_(a, b) a##b
#define PB_TEST_CONCAT_(a, b) PB_TEST_CONCAT_INNER_(a, b)

}  // namespace pipebridge::core::publishes::testing

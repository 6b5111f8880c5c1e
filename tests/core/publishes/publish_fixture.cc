#include "tests/core/publishes/publish_fixture.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "bridge/core/publishes/publishes_schema.h"
#include "bridge/core/templates/templates_yaml_loader.h"

namespace pipebridge::core::publishes::testing {

namespace {

constexpr const char* kTemplatesYml = R"yml(
keys:
  Shot: {type: str}
  Step: {type: str}
  name: {type: str, filter_by: alphanumeric}
  version: {type: int, format_spec: "03"}
  SEQ: {type: sequence, format_spec: "04"}
paths:
  maya_shot_publish: "shots/{Shot}/{Step}/publish/maya/{name}.v{version}.ma"
  render_shot_publish: "shots/{Shot}/{Step}/publish/renders/{name}/v{version}/{name}.{SEQ}.exr"
)yml";

json Must(absl::StatusOr<json> record) {
  EXPECT_TRUE(record.ok()) << record.status();
  return record.ok() ? *record : json::object();
}

}  // namespace

absl::StatusOr<std::unique_ptr<entities::EntityStore>> OpenEntityStore(const std::string& path) {
  entities::StoreOptions options;
  absl::Status merged = AddPublishesSchema(options.schema);
  if (!merged.ok()) return merged;
  return entities::EntityStore::Open(path, std::move(options));
}

void PublishTest::SetUp() {
  std::string pattern = (std::filesystem::temp_directory_path() / "publishes_test_XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  path_ = dir_ + "/project.db";
  {
    std::ofstream out(dir_ + "/templates.yml");
    out << kTemplatesYml;
  }
  templates::TemplatesLoadOptions load;
  load.roots = {{"primary", "/mnt/projects/demo"}};
  auto loaded = templates::LoadTemplatesYaml(dir_ + "/templates.yml", load);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  templates_ = *loaded;
  OpenStores();
  ASSERT_NE(publishes_, nullptr);

  auto create = [this](const std::string& type, json data) {
    entities::CreateRequest request;
    request.entity_type = type;
    request.data = std::move(data);
    return Must(entities_->Create(request)).value("id", int64_t{0});
  };
  project = create("Project", {{"name", "Demo"}});
  for (int i = 0; i < 3; ++i) {
    shots[i] = create("Shot", {{"code", "sh0" + std::to_string(i + 1) + "0"}, {"project", Link("Project", project)}});
  }
  asset = create("Asset", {{"code", "hero"}, {"project", Link("Project", project)}});
  step_anim = create("Step", {{"code", "anim"}});
  step_comp = create("Step", {{"code", "comp"}});
  task_anim = create("Task", {{"content", "animation"}, {"project", Link("Project", project)},
                              {"entity", Link("Shot", shots[0])}, {"step", Link("Step", step_anim)}});
  task_comp = create("Task", {{"content", "comp"}, {"project", Link("Project", project)},
                              {"entity", Link("Shot", shots[0])}, {"step", Link("Step", step_comp)}});
  task_other_shot = create("Task", {{"content", "animation"}, {"project", Link("Project", project)},
                                    {"entity", Link("Shot", shots[1])}, {"step", Link("Step", step_anim)}});
  user = create("HumanUser", {{"name", "Alice"}, {"login", "alice"}});
}

void PublishTest::TearDown() {
  CloseStores();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void PublishTest::OpenStores() {
  auto store = OpenEntityStore(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  entities_ = std::move(*store);
  PublishStoreOptions options;
  options.templates = templates_;
  auto publishes = PublishStore::Open(*entities_, options);
  ASSERT_TRUE(publishes.ok()) << publishes.status();
  publishes_ = std::move(*publishes);
}

void PublishTest::CloseStores() {
  publishes_.reset();
  entities_.reset();
}

RegisterRequest PublishTest::Request(const std::string& path, const std::string& name,
                                     const std::string& type) const {
  RegisterRequest request;
  request.path = path;
  request.name = name;
  request.publish_type = type;
  request.context = ShotContext();
  request.created_by = "alice";
  return request;
}

Publish PublishTest::MustRegister(const RegisterRequest& request) {
  absl::StatusOr<Publish> publish = publishes_->Register(request);
  EXPECT_TRUE(publish.ok()) << publish.status();
  return publish.ok() ? *publish : Publish{};
}

int64_t PublishTest::CountRows(const std::string& table) {
  int64_t count = -1;
  absl::Status status = entities_->database().Read([&](sqlite::Connection& connection) -> absl::Status {
    auto statement = connection.Prepare("SELECT COUNT(*) FROM " + table);
    if (!statement.ok()) return statement.status();
    auto row = statement->Step();
    if (!row.ok()) return row.status();
    count = statement->Int(0);
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return count;
}

int64_t PublishTest::CountPublishedFiles() { return CountRows("e_PublishedFile"); }

}  // namespace pipebridge::core::publishes::testing

// Every Register error: its code and the field path it names; nothing stored.
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "bridge/core/publishes/publish_store.h"
#include "tests/core/publishes/publish_fixture.h"

namespace pipebridge::core::publishes::testing {
namespace {

struct ErrorCase {
  std::string label;
  std::function<void(RegisterRequest&, const PublishTest&)> mutate;
  absl::StatusCode code;
  std::string message_prefix;
};

TEST_F(PublishTest, EveryRegisterErrorNamesItsField) {
  Publish existing = MustRegister(Request("/p/existing"));
  const int64_t missing_id = existing.id + 1000;
  const std::vector<ErrorCase> cases = {
      {"empty path", [](RegisterRequest& r, const PublishTest&) { r.path.clear(); },
       absl::StatusCode::kInvalidArgument, "path: a publish needs a path"},
      {"empty name", [](RegisterRequest& r, const PublishTest&) { r.name.clear(); },
       absl::StatusCode::kInvalidArgument, "name: "},
      {"empty type", [](RegisterRequest& r, const PublishTest&) { r.publish_type.clear(); },
       absl::StatusCode::kInvalidArgument, "publish_type: "},
      {"negative version", [](RegisterRequest& r, const PublishTest&) { r.version = -2; },
       absl::StatusCode::kInvalidArgument, "version: "},
      {"checksum algorithm", [](RegisterRequest& r, const PublishTest&) { r.checksum = "md5:" + std::string(32, 'a'); },
       absl::StatusCode::kInvalidArgument, "checksum: expected \"sha256:\""},
      {"checksum digits", [](RegisterRequest& r, const PublishTest&) { r.checksum = "sha256:" + std::string(64, 'g'); },
       absl::StatusCode::kInvalidArgument, "checksum: "},
      {"checksum length", [](RegisterRequest& r, const PublishTest&) { r.checksum = "sha256:abc"; },
       absl::StatusCode::kInvalidArgument, "checksum: "},
      {"negative size", [](RegisterRequest& r, const PublishTest&) { r.size_bytes = -1; },
       absl::StatusCode::kInvalidArgument, "size_bytes: "},
      {"frame range", [](RegisterRequest& r, const PublishTest&) { r.frame_range = FrameRange{1100, 1001}; },
       absl::StatusCode::kInvalidArgument, "frame_range.first: first frame 1100 is after last frame 1001"},
      {"metadata list", [](RegisterRequest& r, const PublishTest&) { r.metadata = json::array({1}); },
       absl::StatusCode::kInvalidArgument, "metadata: expected a JSON object"},
      {"no entity", [](RegisterRequest& r, const PublishTest&) { r.context = json::object(); },
       absl::StatusCode::kInvalidArgument, "context.entity: a publish needs the entity it belongs to"},
      {"context not object", [](RegisterRequest& r, const PublishTest&) { r.context = "sh010"; },
       absl::StatusCode::kInvalidArgument, "context: expected a context object"},
      {"entity without id", [](RegisterRequest& r, const PublishTest&) { r.context["entity"] = {{"type", "Shot"}}; },
       absl::StatusCode::kInvalidArgument, "context.entity.id: "},
      {"unknown entity type",
       [](RegisterRequest& r, const PublishTest&) { r.context["entity"] = Link("Shott", 1); },
       absl::StatusCode::kInvalidArgument, "context.entity.type: unknown entity type \"Shott\""},
      {"missing entity", [](RegisterRequest& r, const PublishTest&) { r.context["entity"] = Link("Shot", 4242); },
       absl::StatusCode::kInvalidArgument, "context.entity: Shot 4242 does not exist"},
      {"task of another type", [](RegisterRequest& r, const PublishTest&) { r.context["task"] = Link("Shot", 1); },
       absl::StatusCode::kInvalidArgument, "context.task.type: expected a Task link, got Shot"},
      {"task of another shot",
       [](RegisterRequest& r, const PublishTest& t) { r.context["task"] = Link("Task", t.task_other_shot); },
       absl::StatusCode::kInvalidArgument, "context.task: Task "},
      {"missing user", [](RegisterRequest& r, const PublishTest&) { r.context["user"] = Link("HumanUser", 777); },
       absl::StatusCode::kInvalidArgument, "context.user: HumanUser 777 does not exist"},
      {"unknown context key",
       [](RegisterRequest& r, const PublishTest&) { r.context["sequence"] = Link("Sequence", 1); },
       absl::StatusCode::kInvalidArgument, "context.sequence: unknown context key"},
      {"dependency id",
       [missing_id](RegisterRequest& r, const PublishTest&) {
         r.dependencies = {DependencyRef::ByPath("/p/existing"), DependencyRef::ById(missing_id)};
       },
       absl::StatusCode::kInvalidArgument, "dependencies[1].id: publish " + std::to_string(missing_id) +
                                               " does not exist"},
      {"dependency path",
       [](RegisterRequest& r, const PublishTest&) {
         r.dependencies = {DependencyRef::ByPath("/p/existing"), DependencyRef::ByPath("/p/existing"),
                           DependencyRef::ByPath("/secret/server/path")};
       },
       absl::StatusCode::kInvalidArgument, "dependencies[2].path: no publish is registered at this path"},
      {"dependency empty", [](RegisterRequest& r, const PublishTest&) { r.dependencies = {DependencyRef{}}; },
       absl::StatusCode::kInvalidArgument, "dependencies[0]: expected a publish id or a path"},
      {"path taken", [](RegisterRequest& r, const PublishTest&) { r.path = "/p/existing"; },
       absl::StatusCode::kAlreadyExists, "path: publish "},
      {"version taken", [](RegisterRequest& r, const PublishTest&) { r.version = 1; },
       absl::StatusCode::kAlreadyExists, "version: version 1 of \"hero_model\" (Maya Scene) for Shot "},
      {"unknown template", [](RegisterRequest& r, const PublishTest&) { r.template_name = "nope"; },
       absl::StatusCode::kInvalidArgument, "template: unknown template \"nope\""},
      {"path misfits template", [](RegisterRequest& r, const PublishTest&) { r.template_name = "maya_shot_publish"; },
       absl::StatusCode::kInvalidArgument, "path: does not fit template \"maya_shot_publish\""},
  };
  const int64_t files = CountPublishedFiles();
  for (const ErrorCase& c : cases) {
    RegisterRequest request = Request("/p/new");
    c.mutate(request, *this);
    absl::Status status = publishes_->Register(request).status();
    EXPECT_EQ(status.code(), c.code) << c.label << ": " << status;
    EXPECT_TRUE(absl::StartsWith(status.message(), c.message_prefix)) << c.label << ": " << status;
    EXPECT_EQ(status.message().find("/secret"), absl::string_view::npos) << c.label;
    EXPECT_EQ(status.message().find("SELECT"), absl::string_view::npos) << c.label;
  }
  EXPECT_EQ(CountPublishedFiles(), files);
  EXPECT_EQ(CountRows("pb_publishes"), 1);
  EXPECT_EQ(CountRows("pb_publish_dependencies"), 0);
}

TEST_F(PublishTest, GetErrorsNameTheMissingPublish) {
  EXPECT_EQ(publishes_->Get(99).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(publishes_->Get(99).status().message(), "publish 99 not found");
  absl::Status by_path = publishes_->GetByPath("/nowhere/file.ma").status();
  EXPECT_EQ(by_path.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(by_path.message(), "path: no publish is registered at this path");
}

TEST(PublishStoreOpen, RefusesASchemaWithoutThePublishFields) {
  std::string dir = ::testing::TempDir() + "/publishes_schema_test_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  auto store = entities::EntityStore::Open(dir + "/plain.db");  // Default schema only.
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Status status = PublishStore::Open(**store).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "PublishesSchemaYaml")) << status;
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pipebridge::core::publishes::testing

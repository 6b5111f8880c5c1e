#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"

#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

using CrudTest = StoreTest;

TEST_F(CrudTest, CreateReturnsTheRecordWithLinkNames) {
  json project = Create("Project", {{"name", "Demo"}, {"code", "demo"}});
  EXPECT_EQ(project["type"], "Project");
  EXPECT_GT(project["id"].get<int64_t>(), 0);
  EXPECT_EQ(project["name"], "Demo");
  json seq = Create("Sequence", {{"code", "sq010"}, {"project", Link("Project", project["id"])}},
                    {"created_at", "sg_status_list"});
  EXPECT_EQ(seq["code"], "sq010");
  EXPECT_EQ(seq["project"], json({{"type", "Project"}, {"id", project["id"]}, {"name", "Demo"}}));
  EXPECT_EQ(seq["created_at"], "2024-06-15T12:00:00Z");
  EXPECT_TRUE(seq["sg_status_list"].is_null());
  EXPECT_FALSE(seq.contains("description"));  // Not asked for.
}

TEST_F(CrudTest, EveryDataTypeRoundTrips) {
  json user = Create("HumanUser", {{"name", "A"}, {"login", "a"}});
  json project = Create("Project", {{"name", "P"}, {"tank_name", "p"}, {"start_date", "2024-01-31"}});
  json asset = Create("Asset", {{"code", "hero"}});
  json shot = Create("Shot", {{"code", "sh010"},
                              {"sg_cut_in", 1001},
                              {"assets", {Link("Asset", asset["id"])}},
                              {"project", Link("Project", project["id"])}});
  json task = Create("Task", {{"content", "anim"},
                              {"sg_priority", 2.5},
                              {"due_date", "2024-02-29"},
                              {"entity", Link("Shot", shot["id"])},
                              {"task_assignees", {Link("HumanUser", user["id"])}}});
  json version = Create("PublishedFile", {{"code", "pub"},
                                          {"path", {{"local_path", "/x/y.ma"}, {"size", 3}}},
                                          {"version_number", 3}});
  auto got = store_->Get({"Task", task["id"], {}, RetiredMode::kActive});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_DOUBLE_EQ((*got)["sg_priority"].get<double>(), 2.5);
  EXPECT_EQ((*got)["due_date"], "2024-02-29");
  EXPECT_EQ((*got)["entity"], json({{"type", "Shot"}, {"id", shot["id"]}, {"name", "sh010"}}));
  EXPECT_EQ((*got)["task_assignees"],
            json::array({{{"type", "HumanUser"}, {"id", user["id"]}, {"name", "A"}}}));
  EXPECT_TRUE((*got)["step"].is_null());
  auto pub = store_->Get({"PublishedFile", version["id"], {"path", "version_number"}, RetiredMode::kActive});
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ((*pub)["path"]["local_path"], "/x/y.ma");
  EXPECT_EQ((*pub)["version_number"], 3);
  json admin = Create("HumanUser", {{"name", "B"}, {"sg_is_admin", true}}, {"sg_is_admin"});
  EXPECT_EQ(admin["sg_is_admin"], true);
  EXPECT_EQ(user.contains("sg_is_admin"), false);
  auto u = store_->Get({"HumanUser", user["id"], {"sg_is_admin"}, RetiredMode::kActive});
  EXPECT_EQ((*u)["sg_is_admin"], false);  // checkbox is never null
  // date_time input with an offset is stored in UTC.
  json dated = Create("Shot", {{"code", "x"}}, {"created_at"});
  (void)dated;
}

// Create returns its record from the values it wrote, not from reading the row back: each
// written value, in every data type, must be exactly what a read of the row decodes.
TEST_F(CrudTest, CreateReturnsWhatAReadOfTheRowDecodes) {
  json user = Create("HumanUser", {{"name", "A"}, {"login", "a"}});
  json asset = Create("Asset", {{"code", "hero"}});
  json other = Create("Asset", {{"code", "sword"}});
  json shot = Create("Shot", {{"code", "sh010"}});
  const std::vector<std::pair<std::string, json>> creates = {
      {"Project", {{"name", "P"}, {"start_date", "2024-01-31"}, {"end_date", nullptr}, {"sg_status", "Active"}}},
      {"Shot",
       {{"code", "sh020"},
        {"description", nullptr},
        {"sg_cut_in", json::parse("9223372036854775807")},   // A parser's unsigned at int64's top.
        {"sg_cut_out", json::parse("1001")},                 // A parser's unsigned.
        {"sg_cut_order", -7},
        {"sg_status_list", nullptr},
        {"assets", {Link("Asset", asset["id"]), {{"type", "Asset"}, {"id", other["id"]}, {"name", "ignored"}},
                    Link("Asset", asset["id"])}}}},
      {"Task",
       {{"content", "anim"},
        {"sg_priority", 2},  // An integer into a float field.
        {"duration", nullptr},
        {"entity", {{"type", "Shot"}, {"id", shot["id"]}, {"name", "stale"}}},
        {"step", nullptr},
        {"task_assignees", nullptr}}},
      {"HumanUser", {{"name", "B"}, {"sg_is_admin", nullptr}}},
      {"PublishedFile",
       {{"code", "pub"},
        {"path", {{"local_path", "/x/y.ma"}, {"size", 3}, {"ratio", 0.1}, {"tags", {"a", nullptr, -0.0}}}},
        {"created_by", Link("HumanUser", user["id"])}}},
      {"PublishedFile", {{"code", "bare"}, {"path", "just a string"}}},
  };
  for (const auto& [type, data] : creates) {
    SCOPED_TRACE(type + " " + data.dump());
    json created = Create(type, data, {"created_at", "updated_at"});
    std::vector<std::string> fields = {"created_at", "updated_at"};
    for (const auto& [field, unused] : data.items()) fields.push_back(field);
    auto read = store_->Get({type, created["id"].get<int64_t>(), fields, RetiredMode::kActive});
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(created, *read);
    EXPECT_EQ(created.dump(), read->dump());  // Same JSON types too (signed, float).
  }
}

TEST_F(CrudTest, CreateReadsBackOnlyReturnFieldsItDidNotWrite) {
  json project = Create("Project", {{"name", "P"}});
  json seq = Create("Sequence", {{"code", "sq"}, {"project", Link("Project", project["id"])}});
  json shot = Create("Shot", {{"code", "sh"}, {"sg_sequence", Link("Sequence", seq["id"])}},
                     {"sg_status_list", "sg_sequence.Sequence.project", "type", "id", "code"});
  EXPECT_TRUE(shot["sg_status_list"].is_null());
  EXPECT_EQ(shot["sg_sequence.Sequence.project"],
            json({{"type", "Project"}, {"id", project["id"]}, {"name", "P"}}));
  EXPECT_EQ(shot["sg_sequence"], json({{"type", "Sequence"}, {"id", seq["id"]}, {"name", "sq"}}));
  json all = Create("Shot", {{"code", "all"}}, {"*"});
  auto read = store_->Get({"Shot", all["id"].get<int64_t>(), {}, RetiredMode::kActive});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(all, *read);
  // A bad dotted return field is named by its own index, and nothing is stored.
  auto bad = store_->Create({"Shot", {{"code", "bad"}}, {"code", "sg_sequence.Sequence.nope"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "return_fields[1]")) << bad.status();
  EXPECT_TRUE(Find("Shot", json::array({json::array({"code", "is", "bad"})})).empty());
}

TEST_F(CrudTest, GetAllFieldsAndMissingIdIsNotFound) {
  json shot = Create("Shot", {{"code", "sh010"}});
  auto got = store_->Get({"Shot", shot["id"], {}, RetiredMode::kActive});
  ASSERT_TRUE(got.ok());
  for (const FieldSchema& f : store_->schema().FindType("Shot")->fields) {
    EXPECT_TRUE(got->contains(f.name)) << f.name;
  }
  auto missing = store_->Get({"Shot", 9999, {}, RetiredMode::kActive});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "Shot 9999 not found");
}

TEST_F(CrudTest, UpdateChangesOnlyGivenFieldsAndBumpsUpdatedAt) {
  json shot = Create("Shot", {{"code", "sh010"}, {"description", "old"}, {"sg_cut_in", 1}});
  now_ += absl::Hours(1);
  auto updated = store_->Update({"Shot", shot["id"], {{"description", "new"}}, {}, {"sg_cut_in", "updated_at"}});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ((*updated)["description"], "new");
  EXPECT_EQ((*updated)["sg_cut_in"], 1);
  EXPECT_EQ((*updated)["updated_at"], "2024-06-15T13:00:00Z");
  auto got = store_->Get({"Shot", shot["id"], {"code", "created_at"}, RetiredMode::kActive});
  EXPECT_EQ((*got)["code"], "sh010");
  EXPECT_EQ((*got)["created_at"], "2024-06-15T12:00:00Z");
  // Clearing a value.
  updated = store_->Update({"Shot", shot["id"], {{"description", nullptr}}, {}, {}});
  ASSERT_TRUE(updated.ok());
  EXPECT_TRUE((*updated)["description"].is_null());
}

TEST_F(CrudTest, UpdateMissingIsNotFound) {
  auto updated = store_->Update({"Shot", 42, {{"code", "x"}}, {}, {}});
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(updated.status().message(), "Shot 42 not found");
}

TEST_F(CrudTest, MultiEntityUpdateModes) {
  json a = Create("Asset", {{"code", "a"}});
  json b = Create("Asset", {{"code", "b"}});
  json c = Create("Asset", {{"code", "c"}});
  json shot = Create("Shot", {{"code", "sh"}, {"assets", {Link("Asset", a["id"])}}});
  auto r = store_->Update({"Shot", shot["id"], {{"assets", {Link("Asset", b["id"]), Link("Asset", c["id"])}}},
                           {{"assets", "add"}}, {}});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ((*r)["assets"].size(), 3u);
  EXPECT_EQ((*r)["assets"][2]["name"], "c");
  UpdateRequest remove{"Shot", shot["id"], json{{"assets", json::array({Link("Asset", a["id"])})}}, {}, {}};
  remove.multi_entity_update_modes["assets"] = "remove";
  r = store_->Update(remove);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ((*r)["assets"].size(), 2u);
  EXPECT_EQ((*r)["assets"][0]["name"], "b");
  r = store_->Update({"Shot", shot["id"], {{"assets", json::array()}}, {}, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)["assets"].empty());
  UpdateRequest merge{"Shot", shot["id"], json{{"assets", json::array()}}, {}, {}};
  merge.multi_entity_update_modes["assets"] = "merge";
  auto bad = store_->Update(merge);
  EXPECT_EQ(bad.status().message(),
            "multi_entity_update_modes.assets: expected \"set\", \"add\" or \"remove\", got \"merge\"");
}

TEST_F(CrudTest, RetireHidesAndReviveRestores) {
  json shot = Create("Shot", {{"code", "sh010"}});
  json other = Create("Shot", {{"code", "sh020"}});
  auto retired = store_->Retire("Shot", shot["id"]);
  ASSERT_TRUE(retired.ok());
  EXPECT_TRUE(*retired);
  EXPECT_FALSE(*store_->Retire("Shot", shot["id"]));  // Already retired.
  EXPECT_EQ(FindIds("Shot", json::array()), std::vector<int64_t>{other["id"]});
  EXPECT_EQ(store_->Get({"Shot", shot["id"], {}, RetiredMode::kActive}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->Get({"Shot", shot["id"], {}, RetiredMode::kIncludeRetired}).ok());
  FindRequest retired_only{"Shot", json::array(), "all", {}, {}, 0, 1, RetiredMode::kRetiredOnly};
  auto found = store_->Find(retired_only);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0]["id"], shot["id"]);
  FindRequest all{"Shot", json::array(), "all", {}, {}, 0, 1, RetiredMode::kIncludeRetired};
  EXPECT_EQ(store_->Find(all)->size(), 2u);
  // Updating a retired record is NOT_FOUND; so is retiring a missing one.
  EXPECT_EQ(store_->Update({"Shot", shot["id"], {{"code", "x"}}, {}, {}}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Retire("Shot", 777).status().code(), absl::StatusCode::kNotFound);
  // Linking to a retired record is refused.
  auto link = store_->Create({"Task", {{"content", "t"}, {"entity", Link("Shot", shot["id"])}}, {}});
  EXPECT_EQ(link.status().message(), absl::StrCat("data.entity: Shot ", shot["id"].get<int64_t>(), " is retired"));

  auto revived = store_->Revive("Shot", shot["id"]);
  ASSERT_TRUE(revived.ok());
  EXPECT_TRUE(*revived);
  EXPECT_FALSE(*store_->Revive("Shot", shot["id"]));
  EXPECT_EQ(FindIds("Shot", json::array()).size(), 2u);
  auto got = store_->Get({"Shot", shot["id"], {"code"}, RetiredMode::kActive});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["code"], "sh010");  // Data kept while retired.
}

TEST_F(CrudTest, IdsAreNeverReused) {
  json a = Create("Shot", {{"code", "a"}});
  ASSERT_TRUE(store_->Retire("Shot", a["id"]).ok());
  json b = Create("Shot", {{"code", "b"}});
  EXPECT_GT(b["id"].get<int64_t>(), a["id"].get<int64_t>());
}

TEST_F(CrudTest, PersistsAcrossReopen) {
  json project = Create("Project", {{"name", "Demo"}});
  json shot = Create("Shot", {{"code", "sh010"}, {"project", Link("Project", project["id"])}});
  OpenStore();
  auto got = store_->Get({"Shot", shot["id"], {"code", "project"}, RetiredMode::kActive});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)["code"], "sh010");
  EXPECT_EQ((*got)["project"]["name"], "Demo");
}

TEST_F(CrudTest, OpenInMissingFolderFailsWithoutPath) {
  auto store = EntityStore::Open(dir_ + "/missing/project.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.status().message().find(dir_), absl::string_view::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/missing"));
}

}  // namespace
}  // namespace pipebridge::core::entities::testing

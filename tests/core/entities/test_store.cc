#include "tests/core/entities/test_store.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "bridge/core/entities/find_query.h"

namespace pipebridge::core::entities::testing {

absl::Time FixedNow() { return absl::FromUnixSeconds(1718452800); }

void StoreTest::SetUp() {
  std::string pattern = (std::filesystem::temp_directory_path() / "pb_entities_XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  path_ = dir_ + "/project.db";
  now_ = FixedNow();
  OpenStore();
}

void StoreTest::TearDown() {
  store_.reset();
  std::filesystem::remove_all(dir_);
}

void StoreTest::OpenStore(StoreOptions options) {
  store_.reset();
  options.clock = [this] { return now_; };
  options.database.durability = sqlite::Durability::kNormal;
  auto store = EntityStore::Open(path_, std::move(options));
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = std::move(*store);
}

json StoreTest::Create(const std::string& type, json data, std::vector<std::string> return_fields) {
  auto created = store_->Create({type, std::move(data), std::move(return_fields)});
  EXPECT_TRUE(created.ok()) << created.status();
  return created.ok() ? *created : json();
}

std::vector<json> StoreTest::Find(const std::string& type, json filters, std::vector<std::string> fields,
                                  std::vector<OrderBy> order) {
  FindRequest request;
  request.entity_type = type;
  request.filters = std::move(filters);
  request.fields = std::move(fields);
  request.order = std::move(order);
  auto found = store_->Find(request);
  EXPECT_TRUE(found.ok()) << found.status();
  return found.ok() ? *found : std::vector<json>{};
}

std::vector<int64_t> StoreTest::FindIds(const std::string& type, json filters, std::string filter_operator) {
  FindRequest request;
  request.entity_type = type;
  request.filters = std::move(filters);
  request.filter_operator = std::move(filter_operator);
  auto found = store_->Find(request);
  EXPECT_TRUE(found.ok()) << found.status();
  std::vector<int64_t> ids;
  if (found.ok()) {
    for (const json& r : *found) ids.push_back(r["id"].get<int64_t>());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::Status StoreTest::FindError(const std::string& type, json filters) {
  FindRequest request;
  request.entity_type = type;
  request.filters = std::move(filters);
  return store_->Find(request).status();
}

std::vector<std::string> StoreTest::FindPlan(const FindRequest& request) {
  FindOptions options;
  options.now = FixedNow();
  std::vector<std::string> plan;
  absl::Status status = store_->database().Read([&](sqlite::Connection& c) -> absl::Status {
    PB_ASSIGN_OR_RETURN(plan, ExplainFind(c, store_->schema(), request, options));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return plan;
}

std::vector<std::string> StoreTest::QueryTexts(const std::string& sql) {
  std::vector<std::string> texts;
  absl::Status status = store_->database().Read([&](sqlite::Connection& c) -> absl::Status {
    PB_ASSIGN_OR_RETURN(sqlite::Statement stmt, c.Prepare(sql));
    while (true) {
      PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return absl::OkStatus();
      texts.emplace_back(stmt.Text(0));
    }
  });
  EXPECT_TRUE(status.ok()) << status;
  return texts;
}

SmallProject MakeSmallProject(StoreTest& t) {
  SmallProject p;
  p.project = t.Create("Project", {{"name", "Demo"}, {"code", "demo"}})["id"];
  p.other_project = t.Create("Project", {{"name", "Other"}, {"code", "other"}})["id"];
  json project = StoreTest::Link("Project", p.project);
  p.sq010 = t.Create("Sequence", {{"code", "sq010"}, {"project", project}})["id"];
  p.sq020 = t.Create("Sequence", {{"code", "sq020"}, {"project", project}})["id"];
  p.hero = t.Create("Asset", {{"code", "hero"}, {"sg_asset_type", "Character"}, {"project", project}})["id"];
  p.sword = t.Create("Asset", {{"code", "sword"}, {"sg_asset_type", "Prop"}, {"project", project}})["id"];
  p.forest = t.Create("Asset", {{"code", "forest"}, {"sg_asset_type", "Environment"}, {"project", project},
                                {"description", "50% trees_and rocks"}})["id"];
  struct ShotSpec { const char* code; int64_t seq; const char* status; int cut_in; const char* desc; };
  const ShotSpec specs[] = {{"sh010", p.sq010, "ip", 1001, "Opening shot"},
                            {"sh020", p.sq010, "wtg", 1011, "Hero enters"},
                            {"sh030", p.sq010, "fin", 1021, nullptr},
                            {"sh040", p.sq020, "ip", 1031, "Forest chase"},
                            {"sh050", p.sq020, "omt", 1041, "hero falls"}};
  for (const ShotSpec& s : specs) {
    json data = {{"code", s.code}, {"project", project}, {"sg_sequence", StoreTest::Link("Sequence", s.seq)},
                 {"sg_status_list", s.status}, {"sg_cut_in", s.cut_in}, {"sg_cut_out", s.cut_in + 9}};
    if (s.desc != nullptr) data["description"] = s.desc;
    p.shots.push_back(t.Create("Shot", data)["id"]);
  }
  p.shots.push_back(t.Create("Shot", {{"code", "ot010"}, {"project", StoreTest::Link("Project", p.other_project)},
                                      {"sg_status_list", "ip"}})["id"]);
  // Asset links on shots: sh010 {hero}, sh020 {hero, sword}, sh040 {forest}.
  EXPECT_TRUE(t.store_->Update({"Shot", p.shots[0], {{"assets", {StoreTest::Link("Asset", p.hero)}}}, {}, {}}).ok());
  EXPECT_TRUE(t.store_->Update({"Shot", p.shots[1], {{"assets", {StoreTest::Link("Asset", p.hero),
                                                                 StoreTest::Link("Asset", p.sword)}}}, {}, {}}).ok());
  EXPECT_TRUE(t.store_->Update({"Shot", p.shots[3], {{"assets", {StoreTest::Link("Asset", p.forest)}}}, {}, {}}).ok());
  p.anim = t.Create("Step", {{"code", "anim"}, {"short_name", "ANM"}, {"entity_type", "Shot"}})["id"];
  p.comp = t.Create("Step", {{"code", "comp"}, {"short_name", "CMP"}, {"entity_type", "Shot"}})["id"];
  p.alice = t.Create("HumanUser", {{"name", "Alice Artist"}, {"login", "alice"}, {"email", "alice@example.com"}})["id"];
  p.bob = t.Create("HumanUser", {{"name", "Bob Builder"}, {"login", "bob"}})["id"];
  p.task_anim = t.Create("Task", {{"content", "Animation"}, {"project", project},
                                  {"entity", StoreTest::Link("Shot", p.shots[0])},
                                  {"step", StoreTest::Link("Step", p.anim)},
                                  {"task_assignees", {StoreTest::Link("HumanUser", p.alice)}},
                                  {"due_date", "2024-06-20"}, {"sg_status_list", "ip"}})["id"];
  p.task_comp = t.Create("Task", {{"content", "Comp"}, {"project", project},
                                  {"entity", StoreTest::Link("Shot", p.shots[3])},
                                  {"step", StoreTest::Link("Step", p.comp)},
                                  {"task_assignees", {StoreTest::Link("HumanUser", p.bob), StoreTest::Link("HumanUser", p.alice)}},
                                  {"due_date", "2024-07-30"}, {"sg_status_list", "wtg"}})["id"];
  p.task_asset = t.Create("Task", {{"content", "Model"}, {"project", project},
                                   {"entity", StoreTest::Link("Asset", p.hero)},
                                   {"due_date", "2024-06-01"}, {"sg_status_list", "fin"}})["id"];
  return p;
}

}  // namespace pipebridge::core::entities::testing

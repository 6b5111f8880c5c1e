#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

class FindTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    p = MakeSmallProject(*this);
  }
  std::vector<int64_t> Shots(std::initializer_list<int> indexes) {
    std::vector<int64_t> ids;
    for (int i : indexes) ids.push_back(p.shots[i]);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  SmallProject p;
};

TEST_F(FindTest, IsAndIsNotOnScalars) {
  EXPECT_EQ(FindIds("Shot", {{"code", "is", "sh020"}}), Shots({1}));
  EXPECT_EQ(FindIds("Shot", {{"sg_cut_in", "is", 1031}}), Shots({3}));
  EXPECT_EQ(FindIds("Shot", {{"sg_status_list", "is_not", "ip"}}), Shots({1, 2, 4}));
  EXPECT_EQ(FindIds("Shot", {{"description", "is", nullptr}}), Shots({2, 5}));
  EXPECT_EQ(FindIds("Shot", {{"description", "is_not", nullptr}}), Shots({0, 1, 3, 4}));
  // is_not keeps rows where the field is null (as ShotGrid).
  EXPECT_EQ(FindIds("Shot", {{"description", "is_not", "Opening shot"}}), Shots({1, 2, 3, 4, 5}));
  EXPECT_EQ(FindIds("Shot", {{"id", "is", p.shots[2]}}), Shots({2}));
}

TEST_F(FindTest, InAndNotInBothSpellings) {
  EXPECT_EQ(FindIds("Shot", {{"sg_status_list", "in", {"wtg", "fin"}}}), Shots({1, 2}));
  EXPECT_EQ(FindIds("Shot", {{"sg_status_list", "in", "wtg", "fin"}}), Shots({1, 2}));
  EXPECT_EQ(FindIds("Shot", {{"sg_status_list", "not_in", {"ip", "wtg"}}}), Shots({2, 4}));
  EXPECT_EQ(FindIds("Shot", {{"id", "in", {p.shots[0], p.shots[4]}}}), Shots({0, 4}));
  EXPECT_TRUE(FindIds("Shot", {{"id", "in", json::array()}}).empty());
  EXPECT_EQ(FindIds("Shot", {{"description", "in", {nullptr, "Hero enters"}}}), Shots({1, 2, 5}));
  EXPECT_EQ(FindIds("Shot", {{"description", "not_in", {nullptr, "Hero enters"}}}), Shots({0, 3, 4}));
}

TEST_F(FindTest, TextMatching) {
  EXPECT_EQ(FindIds("Shot", {{"description", "contains", "HERO"}}), Shots({1, 4}));  // case-insensitive
  EXPECT_EQ(FindIds("Shot", {{"description", "not_contains", "hero"}}), Shots({0, 2, 3, 5}));
  EXPECT_EQ(FindIds("Shot", {{"code", "starts_with", "sh0"}}), Shots({0, 1, 2, 3, 4}));
  EXPECT_EQ(FindIds("Shot", {{"code", "ends_with", "10"}}), Shots({0, 5}));
  // LIKE wildcards in values are literal.
  EXPECT_EQ(FindIds("Asset", {{"description", "contains", "50%"}}), std::vector<int64_t>{p.forest});
  EXPECT_TRUE(FindIds("Asset", {{"description", "contains", "5_%"}}).empty());
  EXPECT_EQ(FindIds("Asset", {{"description", "contains", "trees_and"}}), std::vector<int64_t>{p.forest});
  EXPECT_TRUE(FindIds("Asset", {{"description", "contains", "trees%and"}}).empty());
}

TEST_F(FindTest, Comparisons) {
  EXPECT_EQ(FindIds("Shot", {{"sg_cut_in", "less_than", 1011}}), Shots({0}));
  EXPECT_EQ(FindIds("Shot", {{"sg_cut_in", "greater_than", 1021}}), Shots({3, 4}));
  EXPECT_EQ(FindIds("Shot", {{"sg_cut_in", "between", {1011, 1031}}}), Shots({1, 2, 3}));
  EXPECT_EQ(FindIds("Shot", {{"sg_cut_in", "between", 1011, 1031}}), Shots({1, 2, 3}));
  EXPECT_EQ(FindIds("Shot", {{"sg_cut_in", "not_between", {1011, 1031}}}), Shots({0, 4, 5}));
  EXPECT_EQ(FindIds("Task", {{"due_date", "less_than", "2024-06-15"}}), std::vector<int64_t>{p.task_asset});
  EXPECT_EQ(FindIds("Task", {{"due_date", "between", {"2024-06-15", "2024-07-30"}}}),
            (std::vector<int64_t>{p.task_anim, p.task_comp}));
}

TEST_F(FindTest, InLastAndInNext) {
  // Clock is 2024-06-15T12:00:00Z. Due dates: 06-01, 06-20, 07-30.
  EXPECT_EQ(FindIds("Task", {{"due_date", "in_next", 7, "DAY"}}), std::vector<int64_t>{p.task_anim});
  EXPECT_EQ(FindIds("Task", {{"due_date", "in_next", {2, "MONTH"}}}),
            (std::vector<int64_t>{p.task_anim, p.task_comp}));
  EXPECT_EQ(FindIds("Task", {{"due_date", "in_last", 2, "WEEK"}}), std::vector<int64_t>{p.task_asset});
  EXPECT_TRUE(FindIds("Task", {{"due_date", "in_last", 1, "DAY"}}).empty());
  EXPECT_EQ(FindIds("Task", {{"due_date", "in_next", 1, "YEAR"}}).size(), 2u);
  // date_time: everything was created "now"; move the clock on.
  now_ += absl::Hours(30);
  EXPECT_EQ(FindIds("Shot", {{"created_at", "in_last", 2, "DAY"}}).size(), 6u);
  EXPECT_TRUE(FindIds("Shot", {{"created_at", "in_last", 1, "DAY"}}).empty());
  EXPECT_EQ(FindIds("Shot", {{"created_at", "in_last", 31, "HOUR"}}).size(), 6u);
  EXPECT_EQ(FindIds("Shot", {{"created_at", "greater_than", "2024-06-15T11:00:00+00:00"}}).size(), 6u);
  EXPECT_TRUE(FindIds("Shot", {{"created_at", "greater_than", "2024-06-15T13:00:00+02:00"}}).size() == 6u);
}

TEST_F(FindTest, EntityLinkRelations) {
  json sq010 = Link("Sequence", p.sq010);
  EXPECT_EQ(FindIds("Shot", {{"sg_sequence", "is", sq010}}), Shots({0, 1, 2}));
  EXPECT_EQ(FindIds("Shot", {{"sg_sequence", "is_not", sq010}}), Shots({3, 4, 5}));
  EXPECT_EQ(FindIds("Shot", {{"sg_sequence", "is", nullptr}}), Shots({5}));
  EXPECT_EQ(FindIds("Shot", {{"sg_sequence", "in", {sq010, Link("Sequence", p.sq020)}}}), Shots({0, 1, 2, 3, 4}));
  EXPECT_EQ(FindIds("Shot", {{"sg_sequence", "not_in", {sq010}}}), Shots({3, 4, 5}));
  // A link with a "name" (as returned by Find) works as a filter value.
  EXPECT_EQ(FindIds("Shot", {{"sg_sequence", "is", {{"type", "Sequence"}, {"id", p.sq020}, {"name", "sq020"}}}}),
            Shots({3, 4}));
  EXPECT_EQ(FindIds("Task", {{"entity", "type_is", "Asset"}}), std::vector<int64_t>{p.task_asset});
  EXPECT_EQ(FindIds("Task", {{"entity", "type_is_not", "Asset"}}),
            (std::vector<int64_t>{p.task_anim, p.task_comp}));
  EXPECT_EQ(FindIds("Task", {{"step", "type_is", nullptr}}), std::vector<int64_t>{p.task_asset});
  EXPECT_EQ(FindIds("Task", {{"entity", "name_contains", "sh0"}}),
            (std::vector<int64_t>{p.task_anim, p.task_comp}));
  EXPECT_EQ(FindIds("Task", {{"entity", "name_is", "hero"}}), std::vector<int64_t>{p.task_asset});
  EXPECT_EQ(FindIds("Task", {{"entity", "name_starts_with", "SH04"}}), std::vector<int64_t>{p.task_comp});
  EXPECT_EQ(FindIds("Task", {{"entity", "name_not_contains", "sh0"}}), std::vector<int64_t>{p.task_asset});
}

TEST_F(FindTest, MultiEntityRelations) {
  json hero = Link("Asset", p.hero);
  EXPECT_EQ(FindIds("Shot", {{"assets", "is", hero}}), Shots({0, 1}));
  EXPECT_EQ(FindIds("Shot", {{"assets", "contains", Link("Asset", p.sword)}}), Shots({1}));
  EXPECT_EQ(FindIds("Shot", {{"assets", "is_not", hero}}), Shots({2, 3, 4, 5}));
  EXPECT_EQ(FindIds("Shot", {{"assets", "is", nullptr}}), Shots({2, 4, 5}));
  EXPECT_EQ(FindIds("Shot", {{"assets", "is_not", nullptr}}), Shots({0, 1, 3}));
  EXPECT_EQ(FindIds("Shot", {{"assets", "in", {Link("Asset", p.sword), Link("Asset", p.forest)}}}), Shots({1, 3}));
  EXPECT_EQ(FindIds("Shot", {{"assets", "not_in", {hero}}}), Shots({2, 3, 4, 5}));
  EXPECT_EQ(FindIds("Shot", {{"assets", "type_is", "Asset"}}), Shots({0, 1, 3}));
  EXPECT_EQ(FindIds("Shot", {{"assets", "name_contains", "swo"}}), Shots({1}));
  EXPECT_EQ(FindIds("Task", {{"task_assignees", "is", Link("HumanUser", p.alice)}}),
            (std::vector<int64_t>{p.task_anim, p.task_comp}));
}

TEST_F(FindTest, NestedGroupsAndTopLevelAny) {
  // status ip AND (cut_in < 1005 OR description contains chase)
  json filters = {{"sg_status_list", "is", "ip"},
                  {{"filter_operator", "any"},
                   {"filters", {{"sg_cut_in", "less_than", 1005}, {"description", "contains", "chase"}}}}};
  EXPECT_EQ(FindIds("Shot", filters), Shots({0, 3}));
  EXPECT_EQ(FindIds("Shot", {{"code", "is", "sh010"}, {"code", "is", "sh050"}}, "any"), Shots({0, 4}));
  EXPECT_TRUE(FindIds("Shot", {{"code", "is", "sh010"}, {"code", "is", "sh050"}}, "all").empty());
  // A whole-request group object, nested two levels.
  json group = {{"filter_operator", "all"},
                {"filters", {{"project", "is", Link("Project", p.project)},
                             {{"filter_operator", "any"},
                              {"filters", {{"code", "is", "sh050"},
                                           {{"filter_operator", "all"},
                                            {"filters", {{"sg_status_list", "is", "ip"},
                                                         {"sg_cut_in", "greater_than", 1020}}}}}}}}}};
  EXPECT_EQ(FindIds("Shot", group), Shots({3, 4}));
  EXPECT_EQ(FindIds("Shot", json::array()).size(), 6u);
}

TEST_F(FindTest, DottedLinkedFields) {
  EXPECT_EQ(FindIds("Shot", {{"sg_sequence.Sequence.code", "is", "sq020"}}), Shots({3, 4}));
  EXPECT_EQ(FindIds("Shot", {{"project.Project.name", "is", "Other"}}), Shots({5}));
  EXPECT_EQ(FindIds("Task", {{"entity.Shot.sg_sequence", "is", Link("Sequence", p.sq020)}}),
            std::vector<int64_t>{p.task_comp});
  // Two hops: Task -> Shot -> Sequence -> code.
  EXPECT_EQ(FindIds("Task", {{"entity.Shot.sg_sequence.Sequence.code", "starts_with", "sq01"}}),
            std::vector<int64_t>{p.task_anim});
  // Links of another type do not match a dotted Shot path.
  EXPECT_EQ(FindIds("Task", {{"entity.Asset.sg_asset_type", "is", "Character"}}),
            std::vector<int64_t>{p.task_asset});
  EXPECT_EQ(FindIds("Task", {{"entity.Shot.code", "is", nullptr}}), std::vector<int64_t>{p.task_asset});
  // A dotted path to a multi_entity field.
  EXPECT_EQ(FindIds("Task", {{"entity.Shot.assets", "is", Link("Asset", p.hero)}}),
            std::vector<int64_t>{p.task_anim});
  // Dotted fields can be selected and ordered by.
  auto tasks = Find("Task", {{"entity", "type_is", "Shot"}},
                    {"entity.Shot.sg_sequence", "entity.Shot.code", "step.Step.short_name"},
                    {{"entity.Shot.code", "desc"}});
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0]["entity.Shot.code"], "sh040");
  EXPECT_EQ(tasks[0]["step.Step.short_name"], "CMP");
  EXPECT_EQ(tasks[0]["entity.Shot.sg_sequence"],
            json({{"type", "Sequence"}, {"id", p.sq020}, {"name", "sq020"}}));
  EXPECT_EQ(tasks[1]["entity.Shot.code"], "sh010");
}

TEST_F(FindTest, OrderingPagingAndFieldSelection) {
  FindRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", p.project)}};
  request.fields = {"code", "sg_cut_in"};
  request.order = {{"sg_cut_in", "desc"}};
  request.limit = 2;
  request.page = 1;
  auto page1 = store_->Find(request);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[0]["code"], "sh050");
  EXPECT_EQ((*page1)[1]["code"], "sh040");
  EXPECT_EQ((*page1)[0].size(), 4u);  // type, id, code, sg_cut_in only
  request.page = 3;
  auto page3 = store_->Find(request);
  ASSERT_EQ(page3->size(), 1u);
  EXPECT_EQ((*page3)[0]["code"], "sh010");
  request.page = 4;
  EXPECT_TRUE(store_->Find(request)->empty());
  // Multi-key order: sequence (by link), then code desc.
  request.order = {{"sg_sequence.Sequence.code", "desc"}, {"code", "asc"}};
  request.limit = 0;
  request.page = 1;
  auto ordered = store_->Find(request);
  std::vector<std::string> codes;
  for (const json& r : *ordered) codes.push_back(r["code"]);
  EXPECT_EQ(codes, (std::vector<std::string>{"sh040", "sh050", "sh010", "sh020", "sh030"}));
  // No fields: type and id only. "*": everything.
  request.fields = {};
  auto bare = store_->Find(request);
  EXPECT_EQ((*bare)[0], json({{"type", "Shot"}, {"id", (*bare)[0]["id"]}}));
  request.fields = {"*"};
  auto full = store_->Find(request);
  EXPECT_TRUE((*full)[0].contains("sg_cut_out"));
  EXPECT_TRUE((*full)[0].contains("assets"));
  // Multi-entity and entity values carry names.
  auto with_assets = Find("Shot", {{"id", "is", p.shots[1]}}, {"assets", "sg_sequence"});
  EXPECT_EQ(with_assets[0]["assets"],
            json::array({{{"type", "Asset"}, {"id", p.hero}, {"name", "hero"}},
                         {{"type", "Asset"}, {"id", p.sword}, {"name", "sword"}}}));
  EXPECT_EQ(with_assets[0]["sg_sequence"]["name"], "sq010");
}

}  // namespace
}  // namespace pipebridge::core::entities::testing

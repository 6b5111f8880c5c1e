// The index a Find without a dotted filter reads by: the plan SQLite reports
// (ExplainFind) for the SELECT that Find runs, and the rows it finds.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

// Two projects with the same shot codes sh010..sh050 (codes repeat across
// projects), one sequence each.
class FindPlanTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    const char* statuses[] = {"ip", "omt", "wtg", "ip", "fin"};
    for (int p = 0; p < 2; ++p) {
      projects.push_back(Create("Project", {{"name", absl::StrCat("P", p)}})["id"]);
      sequences.push_back(Create("Sequence", {{"code", "sq010"}, {"project", Project(p)}})["id"]);
      for (int i = 0; i < 5; ++i) {
        shots[p].push_back(Create("Shot", {{"code", absl::StrCat("sh0", i + 1, "0")},
                                           {"project", Project(p)},
                                           {"sg_sequence", Link("Sequence", sequences[p])},
                                           {"sg_status_list", statuses[i]}})["id"]);
      }
    }
  }

  json Project(int p) const { return Link("Project", projects[p]); }

  std::vector<std::string> Plan(const std::string& type, json filters, int64_t limit = 0) {
    FindRequest request;
    request.entity_type = type;
    request.filters = std::move(filters);
    request.limit = limit;
    return FindPlan(request);
  }

  // The plan's line that reads the found type's table (alias t).
  std::string ReadOfT(const std::string& type, json filters) {
    std::vector<std::string> plan = Plan(type, std::move(filters));
    for (const std::string& line : plan) {
      if (absl::StartsWith(line, "SEARCH t ") || absl::StartsWith(line, "SCAN t")) return line;
    }
    ADD_FAILURE() << "no read of t in:\n" << absl::StrJoin(plan, "\n");
    return "";
  }

  std::vector<int64_t> projects;
  std::vector<int64_t> sequences;
  std::vector<int64_t> shots[2];  // per project: sh010 ip, sh020 omt, sh030 wtg, sh040 ip, sh050 fin
};

TEST_F(FindPlanTest, ProjectAndCodeSeekTheProjectCodeIndex) {
  // Without statistics SQLite rates indexes by their equalities: a (project
  // id, code) index tied with (project id, project type), and SQLite read
  // every shot of the project.
  json filters = {{"project", "is", Project(1)}, {"code", "is", "sh040"}, {"sg_status_list", "is_not", "omt"}};
  EXPECT_TRUE(absl::StrContains(ReadOfT("Shot", filters), "INDEX x_Shot_project_code "))
      << ReadOfT("Shot", filters);
  EXPECT_EQ(FindIds("Shot", filters), std::vector<int64_t>{shots[1][3]});
  // Project 1's sh020 is omitted; project 0's is another project's.
  EXPECT_TRUE(FindIds("Shot", {{"project", "is", Project(1)}, {"code", "is", "sh020"},
                               {"sg_status_list", "is_not", "omt"}})
                  .empty());
}

TEST_F(FindPlanTest, ProjectAndStatusSeekTheProjectStatusIndex) {
  // starts_with is a case-insensitive LIKE, which the code index cannot answer.
  json filters = {{"project", "is", Project(0)}, {"sg_status_list", "is", "ip"}, {"code", "starts_with", "SH04"}};
  EXPECT_TRUE(absl::StrContains(ReadOfT("Shot", filters), "INDEX x_Shot_project_sg_status_list "))
      << ReadOfT("Shot", filters);
  EXPECT_EQ(FindIds("Shot", filters), std::vector<int64_t>{shots[0][3]});
}

TEST_F(FindPlanTest, AProjectAloneIsReadByItsIndexInIdOrder) {
  // No sort: a page of a project's records reads only that page.
  std::vector<std::string> plan = Plan("Shot", {{"project", "is", Project(1)}}, 2);
  std::string text = absl::StrJoin(plan, "\n");
  ASSERT_FALSE(plan.empty());
  EXPECT_TRUE(absl::StartsWith(plan[0], "SEARCH t USING INDEX x_Shot_project ")) << text;
  EXPECT_FALSE(absl::StrContains(text, "TEMP B-TREE")) << text;
  EXPECT_EQ(FindIds("Shot", {{"project", "is", Project(1)}}), shots[1]);
}

TEST_F(FindPlanTest, ALinkAndTheProjectSeekTheLinksIndexThroughTheProject) {
  json filters = {{"project", "is", Project(1)},
                  {"sg_sequence", "is", Link("Sequence", sequences[1])},
                  {"sg_status_list", "in", {"ip", "wtg"}}};
  std::string read = ReadOfT("Shot", filters);
  EXPECT_TRUE(absl::StrContains(read, "INDEX x_Shot_sg_sequence_then_project ")) << read;
  EXPECT_TRUE(absl::StrContains(read, "li_project=?")) << read;
  EXPECT_EQ(FindIds("Shot", filters), (std::vector<int64_t>{shots[1][0], shots[1][2], shots[1][3]}));
}

TEST_F(FindPlanTest, ProjectAndAnInListAreAnIndexSearch) {
  json filters = {{"project", "is", Project(0)}, {"sg_status_list", "in", {"wtg", "fin"}}};
  std::string read = ReadOfT("Shot", filters);
  EXPECT_TRUE(absl::StartsWith(read, "SEARCH t USING INDEX ")) << read;
  EXPECT_EQ(FindIds("Shot", filters), (std::vector<int64_t>{shots[0][2], shots[0][4]}));
}

TEST_F(FindPlanTest, ProjectAndAFewCodesSeekTheProjectCodeIndex) {
  // SQLite alone prices an `in` list at ~25 values and reads the whole project in id order;
  // the bounded counts (join_order.h) see that the codes match few rows.
  json filters = {{"project", "is", Project(1)}, {"code", "in", {"sh020", "sh040"}}};
  std::string read = ReadOfT("Shot", filters);
  EXPECT_TRUE(absl::StrContains(read, "INDEX x_Shot_project_code ")) << read;
  EXPECT_TRUE(absl::StrContains(read, "f_code=?")) << read;
  EXPECT_EQ(FindIds("Shot", filters), (std::vector<int64_t>{shots[1][1], shots[1][3]}));
}

TEST_F(FindPlanTest, AnEntitysTasksOfAStepSeekTheEntity) {
  // SQLite alone rates (entity, type, project) and (step, type, project) alike and reads by
  // the step: every task of the step in the whole project. The counts see the entity's few.
  int64_t anim = Create("Step", {{"code", "Animation"}})["id"];
  int64_t wanted = 0;
  for (int i = 0; i < 70; ++i) {
    int64_t shot = shots[0][i % 5];
    int64_t task = Create("Task", {{"content", absl::StrCat("anim", i)},
                                   {"project", Project(0)},
                                   {"entity", Link("Shot", shot)},
                                   {"step", Link("Step", anim)}})["id"];
    if (i == 0) wanted = task;
  }
  json filters = {{"entity", "is", Link("Shot", shots[0][0])},
                  {"step", "is", Link("Step", anim)},
                  {"content", "is", "anim0"}};
  std::string read = ReadOfT("Task", filters);
  EXPECT_TRUE(absl::StrContains(read, "INDEX x_Task_content ") ||
              absl::StrContains(read, "INDEX x_Task_entity_then_project "))
      << read;
  json of_entity = {{"entity", "is", Link("Shot", shots[0][0])},
                    {"step", "is", Link("Step", anim)}};
  read = ReadOfT("Task", of_entity);
  EXPECT_TRUE(absl::StrContains(read, "INDEX x_Task_entity_then_project ")) << read;
  EXPECT_EQ(FindIds("Task", of_entity).size(), 14u);
  EXPECT_EQ(FindIds("Task", filters), std::vector<int64_t>{wanted});
}

TEST_F(FindPlanTest, ALinkToSeveralTypesComparesTheType) {
  // Shot 1 and Asset 1: the same id in two tables.
  int64_t asset = Create("Asset", {{"code", "hero"}, {"project", Project(0)}})["id"];
  ASSERT_EQ(asset, shots[0][0]);
  int64_t on_shot = Create("Task", {{"content", "anim"}, {"project", Project(0)},
                                    {"entity", Link("Shot", shots[0][0])}})["id"];
  Create("Task", {{"content", "anim"}, {"project", Project(0)}, {"entity", Link("Asset", asset)}});
  json filters = {{"project", "is", Project(0)}, {"entity", "is", Link("Shot", shots[0][0])},
                  {"content", "is", "anim"}};
  EXPECT_TRUE(absl::StrContains(ReadOfT("Task", filters), "INDEX x_Task_entity_then_project "))
      << ReadOfT("Task", filters);
  EXPECT_EQ(FindIds("Task", filters), std::vector<int64_t>{on_shot});
  // Without the link filter, (project, content) reads both.
  json by_name = {{"project", "is", Project(0)}, {"content", "is", "anim"}};
  EXPECT_TRUE(absl::StrContains(ReadOfT("Task", by_name), "INDEX x_Task_project_content "))
      << ReadOfT("Task", by_name);
  EXPECT_EQ(FindIds("Task", by_name).size(), 2u);
}

TEST_F(FindPlanTest, OpeningAStoreOfAnEarlierBuildWidensItsProjectIndexes) {
  // Earlier builds indexed (project id, code) without the project's type.
  ASSERT_TRUE(store_->database()
                  .Write([](sqlite::Transaction& txn) {
                    return txn.connection().Execute(
                        "DROP INDEX \"x_Shot_project_code\";"
                        "CREATE INDEX \"x_Shot_project_code\" ON \"e_Shot\"(\"li_project\", \"f_code\")");
                  })
                  .ok());
  auto columns = [&] {
    return QueryTexts("SELECT name FROM pragma_index_info('x_Shot_project_code') ORDER BY seqno");
  };
  EXPECT_EQ(columns(), (std::vector<std::string>{"li_project", "f_code"}));
  OpenStore();
  EXPECT_EQ(columns(), (std::vector<std::string>{"li_project", "lt_project", "f_code"}));
  json filters = {{"project", "is", Project(1)}, {"code", "is", "sh040"}};
  EXPECT_TRUE(absl::StrContains(ReadOfT("Shot", filters), "INDEX x_Shot_project_code "))
      << ReadOfT("Shot", filters);
  EXPECT_EQ(FindIds("Shot", filters), std::vector<int64_t>{shots[1][3]});
}

}  // namespace
}  // namespace pipebridge::core::entities::testing

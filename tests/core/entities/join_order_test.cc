// Which table a Find with a dotted filter reads first (join_order.h): the
// plan SQLite reports for the SELECT that Find runs, and the rows found, which
// must be those of SQLite's own order.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bridge/core/entities/join_order.h"
#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

struct ShotRow {
  int64_t id = 0;
  std::string code;
  int project = 0;       // index into projects
  std::string sequence;  // the sequence's code; "" for no sequence
  std::string status;
};

// Three projects whose sequences share codes (sq1..sq4, as studios number
// them), 20 shots per sequence (so that a project's 80 are more than
// kFewRows), and in project 1: a shot with no sequence, a retired shot, and a
// shot of a retired sequence "sq9".
class JoinOrderTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    const char* statuses[] = {"wtg", "ip", "omt", "fin", "ip"};
    for (int p = 0; p < 3; ++p) {
      projects.push_back(Create("Project", {{"name", absl::StrCat("P", p)}})["id"]);
      for (int s = 1; s <= 4; ++s) {
        std::string code = absl::StrCat("sq", s);
        int64_t sequence = Create("Sequence", {{"code", code}, {"project", Project(p)}})["id"];
        sequences.push_back(sequence);
        for (int i = 0; i < 20; ++i) AddShot(p, code, sequence, statuses[i % 5]);
      }
    }
    AddShot(1, "", 0, "ip");
    int64_t retired_shot = Create("Shot", {{"code", "retired"}, {"project", Project(1)},
                                           {"sg_sequence", Link("Sequence", sequences[4 + 2])},
                                           {"sg_status_list", "ip"}})["id"];
    ASSERT_TRUE(store_->Retire("Shot", retired_shot).ok());
    int64_t sq9 = Create("Sequence", {{"code", "sq9"}, {"project", Project(1)}})["id"];
    AddShot(1, "sq9", sq9, "ip");
    ASSERT_TRUE(store_->Retire("Sequence", sq9).ok());
  }

  json Project(int p) const { return Link("Project", projects[p]); }

  void AddShot(int project, const std::string& sequence_code, int64_t sequence, const std::string& status) {
    std::string code = absl::StrCat("P", project, "_", sequence_code.empty() ? "none" : sequence_code, "_sh",
                                    shots.size());
    json data = {{"code", code}, {"project", Project(project)}, {"sg_status_list", status}};
    if (sequence != 0) data["sg_sequence"] = Link("Sequence", sequence);
    shots.push_back({Create("Shot", data)["id"].get<int64_t>(), code, project, sequence_code, status});
  }

  template <typename Predicate>
  std::vector<int64_t> Expected(Predicate keep) const {
    std::vector<int64_t> ids;
    for (const ShotRow& shot : shots) {
      if (keep(shot)) ids.push_back(shot.id);
    }
    return ids;
  }

  std::vector<std::string> Plan(json filters) {
    FindRequest request;
    request.entity_type = "Shot";
    request.filters = std::move(filters);
    request.fields = {"code", "sg_sequence.Sequence.code"};
    return FindPlan(request);
  }

  // The plan's lines that read a table (SEARCH or SCAN), in the order read.
  static std::vector<std::string> Reads(const std::vector<std::string>& plan) {
    std::vector<std::string> reads;
    for (const std::string& line : plan) {
      if (absl::StartsWith(line, "SEARCH ") || absl::StartsWith(line, "SCAN ")) reads.push_back(line);
    }
    return reads;
  }

  std::vector<int64_t> projects;
  std::vector<int64_t> sequences;  // four per project, in project order
  std::vector<ShotRow> shots;      // active shots only
};

TEST_F(JoinOrderTest, ADottedFilterOnFewLinkedRecordsReadsThemFirst) {
  json filters = {{"project", "is", Project(1)},
                  {"sg_sequence.Sequence.code", "is", "sq3"},
                  {"sg_status_list", "is_not", "omt"}};
  std::vector<std::string> reads = Reads(Plan(filters));
  std::string plan = absl::StrJoin(reads, "\n");
  ASSERT_EQ(reads.size(), 2u) << plan;
  // The three "sq3" sequences by their code's index, then only project 1's
  // shots of each, by the (link id, link type, project) index.
  EXPECT_TRUE(absl::StartsWith(reads[0], "SEARCH j1 ") && absl::StrContains(reads[0], "x_Sequence_code"))
      << plan;
  EXPECT_EQ(reads[1],
            "SEARCH t USING INDEX x_Shot_sg_sequence_then_project "
            "(li_sg_sequence=? AND lt_sg_sequence=? AND li_project=?)")
      << plan;
  std::vector<int64_t> expected = Expected([](const ShotRow& s) {
    return s.project == 1 && s.sequence == "sq3" && s.status != "omt";
  });
  ASSERT_EQ(expected.size(), 16u);
  EXPECT_EQ(FindIds("Shot", filters), expected);
}

TEST_F(JoinOrderTest, AnOwnFilterOnFewRowsIsReadByItsIndex) {
  // The dotted filter matches project 1's four sequences; the code one shot.
  // SQLite alone reads the project's shots: it rates (project) as selective
  // as (project, code).
  const ShotRow& shot = shots[105];
  ASSERT_EQ(shot.code, "P1_sq2_sh105");
  json filters = {{"project", "is", Project(1)},
                  {"sg_sequence.Sequence.project", "is", Project(1)},
                  {"code", "is", shot.code}};
  std::vector<std::string> reads = Reads(Plan(filters));
  ASSERT_FALSE(reads.empty());
  // With the project filtered too, the (project, code) index seeks both.
  EXPECT_EQ(reads[0],
            "SEARCH t USING INDEX x_Shot_project_code (li_project=? AND lt_project=? AND f_code=?)")
      << absl::StrJoin(reads, "\n");
  EXPECT_EQ(FindIds("Shot", filters), std::vector<int64_t>{shot.id});
}

TEST_F(JoinOrderTest, ADottedFilterOnManyRowsLeavesTheOrderToSQLite) {
  // Project 2's "sq1" gets more shots than a linked-first read may cost.
  std::vector<BatchItem> batch;
  for (int64_t i = 0; i < kMaxDrivenRows; ++i) {
    BatchItem item;
    item.entity_type = "Shot";
    item.data = {{"code", absl::StrCat("bulk", i)}, {"project", Project(2)},
                 {"sg_sequence", Link("Sequence", sequences[8])}, {"sg_status_list", "ip"}};
    batch.push_back(std::move(item));
  }
  ASSERT_TRUE(store_->Batch(batch).ok());
  json filters = {{"project", "is", Project(2)},
                  {"sg_sequence.Sequence.code", "is", "sq1"},
                  {"sg_status_list", "is", "ip"}};
  std::vector<std::string> reads = Reads(Plan(filters));
  ASSERT_FALSE(reads.empty());
  EXPECT_TRUE(absl::StartsWith(reads[0], "SEARCH t USING ")) << absl::StrJoin(reads, "\n");
  size_t seeded = Expected([](const ShotRow& s) {
                    return s.project == 2 && s.sequence == "sq1" && s.status == "ip";
                  }).size();
  ASSERT_EQ(seeded, 8u);
  EXPECT_EQ(FindIds("Shot", filters).size(), static_cast<size_t>(kMaxDrivenRows) + seeded);
}

TEST_F(JoinOrderTest, EveryOrderFindsTheRowsOfSQLitesOwnOrder) {
  // Nested in a group, the same filters are not conjuncts of the request:
  // SQLite chooses the order. Each case must find the same rows both ways.
  json p1 = Project(1);
  std::vector<json> cases = {
      {{"sg_sequence.Sequence.code", "is", "sq3"}},
      {{"project", "is", p1}, {"sg_sequence.Sequence.code", "in", {"sq1", "sq3"}}},
      {{"project", "is", p1}, {"sg_sequence.Sequence.code", "in", {"sq1", nullptr}}},
      {{"project", "is", p1}, {"sg_sequence.Sequence.code", "is", nullptr}},
      {{"project", "is", p1}, {"sg_sequence.Sequence.code", "is_not", "sq3"}},
      {{"project", "is", p1}, {"sg_sequence.Sequence.code", "not_in", {"sq3", nullptr}}},
      {{"project", "is", p1}, {"sg_sequence.Sequence.code", "not_in", {"sq3"}}},
      {{"sg_sequence.Sequence.code", "is", "sq3"}, {"sg_sequence.Sequence.code", "is", "sq4"}},
      {{"sg_sequence.Sequence.project", "is", p1}, {"sg_status_list", "in", {"ip", "fin"}}},
      {{"sg_sequence.Sequence.id", "is", sequences[5]}},
      {{"project", "is", p1}, {"sg_sequence.Sequence.code", "is", "sq9"}},  // a retired sequence
      {{"project", "is", p1}, {"sg_sequence.Sequence.code", "in", json::array()}},
      {{"project", "is", p1},
       {{"filter_operator", "any"},
        {"filters", {{"sg_sequence.Sequence.code", "is", "sq2"}, {"sg_status_list", "is", "omt"}}}}},
      // An own filter on few rows of each kind, read by its index (INDEXED BY).
      {{"sg_sequence.Sequence.code", "is", "sq3"}, {"code", "in", {"P1_sq3_sh125", "P2_sq3_sh205"}}},
      {{"sg_sequence.Sequence.code", "is", "sq3"}, {"sg_status_list", "in", {"rev", "hld"}}},
      {{"sg_sequence.Sequence.code", "is", "sq3"}, {"sg_sequence", "is", Link("Sequence", sequences[6])}},
      {{"sg_sequence.Sequence.code", "is", "sq3"}, {"id", "in", {shots[125].id, shots[126].id}}},
  };
  for (const json& filters : cases) {
    json nested = json::array({{{"filter_operator", "all"}, {"filters", filters}}});
    EXPECT_EQ(FindIds("Shot", filters), FindIds("Shot", nested)) << filters.dump();
  }
  // The top-level "any" operator makes no filter a conjunct.
  json any = {{"sg_sequence.Sequence.code", "is", "sq3"}, {"sg_status_list", "is", "omt"}};
  EXPECT_EQ(FindIds("Shot", any, "any"), Expected([](const ShotRow& s) {
              return s.sequence == "sq3" || s.status == "omt";
            }));
  // Those that must not be vacuous: the linked-first order was taken.
  EXPECT_TRUE(absl::StartsWith(Reads(Plan(cases[1]))[0], "SEARCH j1 "));
  EXPECT_EQ(FindIds("Shot", cases[1]), Expected([](const ShotRow& s) {
              return s.project == 1 && (s.sequence == "sq1" || s.sequence == "sq3");
            }));
  EXPECT_TRUE(absl::StartsWith(Reads(Plan(cases[10]))[0], "SEARCH j1 "));
  EXPECT_EQ(FindIds("Shot", cases[10]), Expected([](const ShotRow& s) { return s.sequence == "sq9"; }));
  EXPECT_EQ(Reads(Plan(cases[13]))[0], "SEARCH t USING INDEX x_Shot_code (f_code=?)");
  EXPECT_EQ(FindIds("Shot", cases[13]), (std::vector<int64_t>{shots[125].id, shots[205].id}));
  EXPECT_EQ(Reads(Plan(cases[14]))[0], "SEARCH t USING INDEX x_Shot_sg_status_list (f_sg_status_list=?)");
  EXPECT_TRUE(FindIds("Shot", cases[14]).empty());
  // The sequence is a constant here, so SQLite may read its one j1 row first.
  std::vector<std::string> reads = Reads(Plan(cases[15]));
  EXPECT_EQ(std::count_if(reads.begin(), reads.end(),
                          [](const std::string& line) {
                            return absl::StartsWith(line, "SEARCH t USING INDEX x_Shot_sg_sequence_then_project ");
                          }),
            1)
      << absl::StrJoin(reads, "\n");
  EXPECT_EQ(std::count_if(reads.begin(), reads.end(),
                          [](const std::string& line) { return absl::StartsWith(line, "SCAN "); }),
            0)
      << absl::StrJoin(reads, "\n");
  EXPECT_EQ(FindIds("Shot", cases[15]).size(), 20u);
  EXPECT_EQ(FindIds("Shot", cases[16]), (std::vector<int64_t>{shots[125].id, shots[126].id}));
  // Null links and not_in keep their meaning: the shot with no sequence.
  EXPECT_EQ(FindIds("Shot", cases[3]), Expected([](const ShotRow& s) { return s.sequence.empty(); }));
  EXPECT_EQ(FindIds("Shot", cases[6]), Expected([](const ShotRow& s) {
              return s.project == 1 && s.sequence != "sq3";
            }));
}

TEST_F(JoinOrderTest, OpeningAStoreOfAnEarlierBuildReplacesItsLinkIndex) {
  // Earlier builds indexed a link by (link id, link type) only.
  ASSERT_TRUE(store_->database()
                  .Write([](sqlite::Transaction& txn) {
                    return txn.connection().Execute(
                        "DROP INDEX \"x_Shot_sg_sequence_then_project\";"
                        "CREATE INDEX \"x_Shot_sg_sequence\" ON \"e_Shot\"(\"li_sg_sequence\", \"lt_sg_sequence\")");
                  })
                  .ok());
  auto indexes = [&] {
    return QueryTexts(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'e_Shot' "
        "AND name LIKE 'x_Shot_sg_sequence%' ORDER BY name");
  };
  EXPECT_EQ(indexes(), std::vector<std::string>{"x_Shot_sg_sequence"});
  OpenStore();
  EXPECT_EQ(indexes(), std::vector<std::string>{"x_Shot_sg_sequence_then_project"});
  json filters = {{"project", "is", Project(1)}, {"sg_sequence.Sequence.code", "is", "sq3"}};
  std::vector<std::string> reads = Reads(Plan(filters));
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(reads[1], "SEARCH t USING INDEX x_Shot_sg_sequence_then_project "))
      << absl::StrJoin(reads, "\n");
}

}  // namespace
}  // namespace pipebridge::core::entities::testing

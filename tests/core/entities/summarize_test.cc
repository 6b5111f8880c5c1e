#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

class SummarizeTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    p = MakeSmallProject(*this);
  }
  json Summarize(SummarizeRequest request) {
    auto result = store_->Summarize(request);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : json();
  }
  SmallProject p;
};

TEST_F(SummarizeTest, TotalsWithFilters) {
  SummarizeRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", p.project)}};
  request.summary_fields = {{"id", "record_count"}, {"sg_cut_in", "sum"}, {"sg_cut_out", "maximum"},
                            {"code", "minimum"}, {"description", "count"}, {"sg_status_list", "count_distinct"},
                            {"created_at", "latest"}};
  json result = Summarize(request);
  EXPECT_EQ(result["summaries"]["id"], 5);
  EXPECT_EQ(result["summaries"]["sg_cut_in"], 1001 + 1011 + 1021 + 1031 + 1041);
  EXPECT_EQ(result["summaries"]["sg_cut_out"], 1050);
  EXPECT_EQ(result["summaries"]["code"], "sh010");
  EXPECT_EQ(result["summaries"]["description"], 4);
  EXPECT_EQ(result["summaries"]["sg_status_list"], 4);
  EXPECT_EQ(result["summaries"]["created_at"], "2024-06-15T12:00:00Z");
  EXPECT_TRUE(result["groups"].empty());
  request.summary_fields = {{"sg_cut_in", "average"}};
  EXPECT_DOUBLE_EQ(Summarize(request)["summaries"]["sg_cut_in"].get<double>(), 1021.0);
  // Empty selection: counts are 0, sums 0, averages null.
  request.filters = {{"code", "is", "nothing"}};
  request.summary_fields = {{"id", "record_count"}, {"sg_cut_in", "sum"}, {"sg_cut_out", "average"}};
  json empty = Summarize(request);
  EXPECT_EQ(empty["summaries"]["id"], 0);
  EXPECT_EQ(empty["summaries"]["sg_cut_in"], 0);
  EXPECT_TRUE(empty["summaries"]["sg_cut_out"].is_null());
}

TEST_F(SummarizeTest, NestedGroupingByLinkAndStatus) {
  SummarizeRequest request;
  request.entity_type = "Shot";
  request.filters = {{"project", "is", Link("Project", p.project)}};
  request.summary_fields = {{"id", "record_count"}, {"sg_cut_in", "minimum"}};
  request.grouping = {{"sg_sequence", "exact", "desc"}, {"sg_status_list", "exact", "asc"}};
  json result = Summarize(request);
  EXPECT_EQ(result["summaries"]["id"], 5);
  ASSERT_EQ(result["groups"].size(), 2u);
  const json& sq020 = result["groups"][0];  // desc by link: same type, higher id first
  EXPECT_EQ(sq020["group_name"], "sq020");
  EXPECT_EQ(sq020["group_value"], json({{"type", "Sequence"}, {"id", p.sq020}, {"name", "sq020"}}));
  EXPECT_EQ(sq020["summaries"]["id"], 2);
  EXPECT_EQ(sq020["summaries"]["sg_cut_in"], 1031);
  ASSERT_EQ(sq020["groups"].size(), 2u);
  EXPECT_EQ(sq020["groups"][0]["group_value"], "ip");
  EXPECT_EQ(sq020["groups"][1]["group_value"], "omt");
  EXPECT_EQ(sq020["groups"][1]["summaries"]["id"], 1);
  const json& sq010 = result["groups"][1];
  EXPECT_EQ(sq010["summaries"]["id"], 3);
  ASSERT_EQ(sq010["groups"].size(), 3u);
  EXPECT_EQ(sq010["groups"][0]["group_name"], "fin");
}

TEST_F(SummarizeTest, GroupingByDottedFieldAndDatePeriods) {
  SummarizeRequest request;
  request.entity_type = "Task";
  request.summary_fields = {{"id", "record_count"}};
  request.grouping = {{"entity.Shot.sg_sequence.Sequence.code", "exact", "asc"}};
  json result = Summarize(request);
  ASSERT_EQ(result["groups"].size(), 3u);
  EXPECT_TRUE(result["groups"][0]["group_value"].is_null());  // the asset task
  EXPECT_EQ(result["groups"][0]["group_name"], "");
  EXPECT_EQ(result["groups"][1]["group_value"], "sq010");
  EXPECT_EQ(result["groups"][2]["group_value"], "sq020");
  request.grouping = {{"due_date", "month", "asc"}};
  result = Summarize(request);
  ASSERT_EQ(result["groups"].size(), 2u);
  EXPECT_EQ(result["groups"][0]["group_value"], "2024-06");
  EXPECT_EQ(result["groups"][0]["summaries"]["id"], 2);
  EXPECT_EQ(result["groups"][1]["group_value"], "2024-07");
}

TEST_F(SummarizeTest, ErrorsNameTheirPath) {
  SummarizeRequest request;
  request.entity_type = "Shot";
  request.summary_fields = {{"code", "sum"}};
  EXPECT_EQ(std::string(store_->Summarize(request).status().message()),
            "summary_fields[0].type: summary \"sum\" does not apply to text field Shot.code");
  request.summary_fields = {{"id", "record_count"}, {"code", "avg"}};
  EXPECT_EQ(std::string(store_->Summarize(request).status().message()),
            "summary_fields[1].type: unknown summary type \"avg\" (expected record_count, count, count_distinct, "
            "sum, average, minimum, maximum, earliest, latest, checked, unchecked)");
  request.summary_fields = {{"nope", "count"}};
  EXPECT_EQ(std::string(store_->Summarize(request).status().message()),
            "summary_fields[0].field: unknown field \"nope\" on Shot");
  request.summary_fields = {{"id", "record_count"}};
  request.grouping = {{"code", "month", "asc"}};
  EXPECT_EQ(std::string(store_->Summarize(request).status().message()),
            "grouping[0].type: grouping \"month\" needs a date or date_time field");
  request.grouping = {{"assets", "exact", "asc"}};
  EXPECT_EQ(std::string(store_->Summarize(request).status().message()),
            "grouping[0].field: cannot group by a multi_entity field");
  request.grouping = {};
  request.filters = {{"code", "bogus", 1}};
  EXPECT_EQ(std::string(store_->Summarize(request).status().message()), "filters[0][1]: unknown relation \"bogus\"");
}

TEST_F(SummarizeTest, CheckboxCounts) {
  Create("HumanUser", {{"name", "Admin"}, {"sg_is_admin", true}});
  SummarizeRequest request;
  request.entity_type = "HumanUser";
  request.summary_fields = {{"sg_is_admin", "checked"}};
  EXPECT_EQ(Summarize(request)["summaries"]["sg_is_admin"], 1);
  request.summary_fields = {{"sg_is_admin", "unchecked"}};
  EXPECT_EQ(Summarize(request)["summaries"]["sg_is_admin"], 2);
}

}  // namespace
}  // namespace pipebridge::core::entities::testing

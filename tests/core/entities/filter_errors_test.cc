// Every bad-input case names the offending element by its request path and
// never leaks SQL.
#include <limits>

#include "tests/core/entities/test_store.h"

namespace pipebridge::core::entities::testing {
namespace {

class ErrorsTest : public StoreTest {
 protected:
  void ExpectInvalid(const absl::Status& status, const std::string& message) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_EQ(std::string(status.message()), message);
    for (const char* sql : {"SELECT", "WHERE", "e_Shot", "f_", "json_each"}) {
      EXPECT_EQ(status.message().find(sql), absl::string_view::npos) << status;
    }
  }
};

TEST_F(ErrorsTest, FilterErrorsNameTheirPath) {
  ExpectInvalid(FindError("Shot", {{"code", "is", "a"}, {"code", "is", "b"}, {"code", "iss", "c"}}),
                "filters[2][1]: unknown relation \"iss\"");
  ExpectInvalid(FindError("Shot", {{"nope", "is", "a"}}), "filters[0][0]: unknown field \"nope\" on Shot");
  ExpectInvalid(FindError("Shot", {"code"}),
                "filters[0]: expected a filter [field, relation, value] or "
                "{\"filter_operator\":...,\"filters\":[...]}, got a string");
  ExpectInvalid(FindError("Shot", json::array({json::array({"code", "is"})})), "filters[0]: expected a filter [field, relation, value]");
  ExpectInvalid(FindError("Shot", {{7, "is", 1}}), "filters[0][0]: expected a field name, got an integer");
  ExpectInvalid(FindError("Shot", {{"code", 3, 1}}), "filters[0][1]: expected a relation, got an integer");
  ExpectInvalid(FindError("Shot", {{"sg_cut_in", "is", "ten"}}), "filters[0][2]: expected an integer, got a string");
  ExpectInvalid(FindError("Shot", {{"sg_cut_in", "is", json::parse("18446744073709551615")}}),
                "filters[0][2]: integer 18446744073709551615 is out of range (integers are 64-bit signed)");
  ExpectInvalid(FindError("Shot", {{"sg_cut_in", "contains", 1}}),
                "filters[0][1]: relation \"contains\" does not apply to number field Shot.sg_cut_in");
  ExpectInvalid(FindError("Shot", {{"code", "type_is", "Shot"}}),
                "filters[0][1]: relation \"type_is\" does not apply to text field Shot.code");
  ExpectInvalid(FindError("Shot", {{"sg_sequence", "is", "sq010"}}),
                "filters[0][2]: expected an entity link {\"type\":...,\"id\":...}, got a string");
  ExpectInvalid(FindError("Shot", {{"sg_sequence", "is", {{"type", "Asset"}, {"id", 1}}}}),
                "filters[0][2].type: field sg_sequence cannot link to Asset");
  ExpectInvalid(FindError("Shot", {{"sg_sequence", "in", {{{"type", "Sequence"}, {"id", 1}}, 5}}}),
                "filters[0][2][1]: expected an entity link {\"type\":...,\"id\":...}, got an integer");
  ExpectInvalid(FindError("Shot", {{"sg_cut_in", "between", 1}}),
                "filters[0]: relation \"between\" takes two values [low, high]");
  ExpectInvalid(FindError("Shot", {{"sg_cut_in", "is", 1, 2}}), "filters[0]: relation \"is\" takes exactly one value");
  ExpectInvalid(FindError("Task", {{"due_date", "in_last", 3, "DECADE"}}),
                "filters[0][3]: expected a unit HOUR, DAY, WEEK, MONTH or YEAR, got \"DECADE\"");
  ExpectInvalid(FindError("Task", {{"due_date", "is", "2024-02-30"}}),
                "filters[0][2]: expected a date \"YYYY-MM-DD\", got \"2024-02-30\"");
  ExpectInvalid(FindError("Task", {{"content", "in_last", 3, "DAY"}}),
                "filters[0][1]: relation \"in_last\" does not apply to text field Task.content");
  ExpectInvalid(FindError("Task", {{"entity", "type_is", "Shott"}}), "filters[0][2]: unknown entity type \"Shott\"");
  ExpectInvalid(FindError("PublishedFile", {{"path", "is", "x"}}), "filters[0][2]: json fields can only be compared with null");
}

TEST_F(ErrorsTest, NestedAndDottedErrors) {
  json nested = {{"code", "is", "a"},
                 {{"filter_operator", "any"}, {"filters", {{"code", "is", "a"}, {"code", "isnt", "b"}}}}};
  ExpectInvalid(FindError("Shot", nested), "filters[1].filters[1][1]: unknown relation \"isnt\"");
  ExpectInvalid(FindError("Shot", {{{"filter_operator", "some"}, {"filters", json::array()}}}),
                "filters[0].filter_operator: expected \"any\" or \"all\", got \"some\"");
  ExpectInvalid(FindError("Shot", {{{"filter_operator", "any"}, {"filterz", json::array()}}}),
                "filters[0].filterz: unknown key in a filter group (expected filter_operator, filters)");
  ExpectInvalid(FindError("Shot", {{{"filter_operator", "any"}}}), "filters[0]: a filter group needs \"filters\"");
  ExpectInvalid(FindError("Shot", {{"sg_sequence.Sequence.nope", "is", 1}}),
                "filters[0][0]: unknown field \"nope\" on Sequence");
  ExpectInvalid(FindError("Shot", {{"sg_sequence.Asset.code", "is", "x"}}),
                "filters[0][0]: Shot.sg_sequence cannot link to Asset");
  ExpectInvalid(FindError("Shot", {{"code.Sequence.code", "is", "x"}}),
                "filters[0][0]: cannot follow \"code\" in \"code.Sequence.code\": Shot.code is not an entity link");
  ExpectInvalid(FindError("Shot", {{"assets.Asset.code", "is", "x"}}),
                "filters[0][0]: cannot follow \"assets\" in \"assets.Asset.code\": Shot.assets is a multi_entity "
                "field (only single links can be followed)");
  ExpectInvalid(FindError("Shot", {{"sg_sequence.Sequence", "is", "x"}}),
                "filters[0][0]: malformed field path \"sg_sequence.Sequence\" (expected field, link_field.Type.field or json_field.key)");
}

TEST_F(ErrorsTest, RequestLevelErrors) {
  ExpectInvalid(FindError("Shott", json::array()), "entity_type: unknown entity type \"Shott\"");
  FindRequest request;
  request.entity_type = "Shot";
  request.fields = {"code", "bogus"};
  ExpectInvalid(store_->Find(request).status(), "fields[1]: unknown field \"bogus\" on Shot");
  request.fields = {};
  request.order = {{"code", "asc"}, {"code", "up"}};
  ExpectInvalid(store_->Find(request).status(), "order[1].direction: expected \"asc\" or \"desc\", got \"up\"");
  request.order = {{"assets", "asc"}};
  ExpectInvalid(store_->Find(request).status(), "order[0].field_name: cannot order by a multi_entity field");
  request.order = {};
  request.page = 2;
  ExpectInvalid(store_->Find(request).status(), "page: paging needs a limit");
  request.page = 0;
  request.limit = 5;
  ExpectInvalid(store_->Find(request).status(), "page: pages are numbered from 1");
  request.page = std::numeric_limits<int64_t>::max();
  ExpectInvalid(store_->Find(request).status(), "page: too large");
  request.page = 1;
  request.filter_operator = "either";
  ExpectInvalid(store_->Find(request).status(), "filter_operator: expected \"any\" or \"all\", got \"either\"");
}

TEST_F(ErrorsTest, WriteErrorsNameTheirPath) {
  json seq = Create("Sequence", {{"code", "sq"}});
  ExpectInvalid(store_->Create({"Shot", {{"sg_sequence", "sq010"}}, {}}).status(),
                "data.sg_sequence: expected an entity link {\"type\":...,\"id\":...}, got a string");
  ExpectInvalid(store_->Create({"Shot", {{"sg_sequence", {{"type", "Sequence"}, {"id", 999}}}}, {}}).status(),
                "data.sg_sequence: Sequence 999 does not exist");
  ExpectInvalid(store_->Create({"Shot", {{"sg_sequence", {{"type", "Sequence"}, {"id", "1"}}}}, {}}).status(),
                "data.sg_sequence.id: expected an integer id, got a string");
  ExpectInvalid(store_->Create({"Shot", {{"sg_sequence", {{"type", "Sequence"}, {"id", 1}, {"x", 1}}}}, {}}).status(),
                "data.sg_sequence.x: unknown key in an entity link");
  ExpectInvalid(store_->Create({"Shot", {{"assets", {{{"type", "Asset"}, {"id", 4}}}}}, {}}).status(),
                "data.assets[0]: Asset 4 does not exist");
  ExpectInvalid(store_->Create({"Shot", {{"assets", {{{"type", "Shot"}, {"id", 4}}}}}, {}}).status(),
                "data.assets[0].type: field assets cannot link to Shot");
  ExpectInvalid(store_->Create({"Shot", {{"sg_cut_in", 1.5}}, {}}).status(),
                "data.sg_cut_in: expected an integer or null, got a float");
  // Stored as a 64-bit signed SQLite integer, it would come back negative: refused instead.
  ExpectInvalid(store_->Create({"Shot", {{"sg_cut_in", json::parse("18446744073709551615")}}, {}}).status(),
                "data.sg_cut_in: integer 18446744073709551615 is out of range (integers are 64-bit signed)");
  ExpectInvalid(
      store_->Create({"Shot", {{"sg_sequence", {{"type", "Sequence"}, {"id", json::parse("9223372036854775808")}}}}, {}})
          .status(),
      "data.sg_sequence.id: integer 9223372036854775808 is out of range (integers are 64-bit signed)");
  ExpectInvalid(store_->Create({"Shot", {{"code", 5}}, {}}).status(), "data.code: expected a string or null, got an integer");
  ExpectInvalid(store_->Create({"Shot", {{"sg_status_list", "done"}}, {}}).status(),
                "data.sg_status_list: \"done\" is not a valid value of sg_status_list (valid: wtg, rdy, ip, rev, hld, omt, fin)");
  ExpectInvalid(store_->Create({"Shot", {{"codee", "x"}}, {}}).status(), "data.codee: unknown field \"codee\" on Shot");
  ExpectInvalid(store_->Create({"Shot", {{"id", 5}}, {}}).status(), "data.id: field id is read-only");
  ExpectInvalid(store_->Create({"Shot", {{"created_at", "2024-01-01T00:00:00Z"}}, {}}).status(),
                "data.created_at: field created_at is read-only");
  ExpectInvalid(store_->Create({"Shot", json::array(), {}}).status(),
                "data: expected an object of field values, got an array");
  ExpectInvalid(store_->Create({"Shot", {{"code", "x"}}, {"nah"}}).status(),
                "return_fields[0]: unknown field \"nah\" on Shot");
  ExpectInvalid(store_->Create({"Task", {{"due_date", "tomorrow"}}, {}}).status(),
                "data.due_date: expected a date \"YYYY-MM-DD\", got \"tomorrow\"");
  ExpectInvalid(store_->Create({"HumanUser", {{"sg_is_admin", "yes"}}, {}}).status(),
                "data.sg_is_admin: expected true or false, got a string");
  ExpectInvalid(store_->Update({"Shot", 1, {{"code", 1}}, {}, {}}).status(),
                "data.code: expected a string or null, got an integer");
  ExpectInvalid(store_->Create({"Nope", {{"code", "x"}}, {}}).status(), "entity_type: unknown entity type \"Nope\"");
  // Nothing was stored by any failed write.
  EXPECT_TRUE(FindIds("Shot", json::array()).empty());
}

}  // namespace
}  // namespace pipebridge::core::entities::testing

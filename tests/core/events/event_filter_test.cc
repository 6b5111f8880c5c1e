#include "bridge/core/events/event_filter.h"

#include <string>

#include "gtest/gtest.h"

namespace pipebridge::core::events {
namespace {

using nlohmann::json;

Event SampleEvent() {
  Event event;
  event.id = 42;
  event.topic = "entity.Asset.updated";
  event.time = absl::FromUnixMicros(1'700'000'000'000'000);  // 2023-11-14T22:13:20Z
  event.user = "alice";
  event.project = ProjectRef{"Project", 7, "Bunny"};
  event.source_host = "maya-1";
  event.payload = json::parse(R"({
    "entity": {"type": "Asset", "id": 12, "name": "chair"},
    "changes": {"sg_status": {"old": "wip", "new": "apr"}},
    "tags": ["hero", "prop"],
    "frames": 120,
    "ratio": 1.5,
    "final": true,
    "note": null
  })");
  return event;
}

bool Matches(const std::string& filters_text) {
  auto filter = EventFilter::Compile(json::parse(filters_text));
  EXPECT_TRUE(filter.ok()) << filter.status() << " for " << filters_text;
  return filter.ok() && filter->Matches(SampleEvent());
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::string Error(const std::string& filters_text) {
  auto filter = EventFilter::Compile(json::parse(filters_text));
  EXPECT_FALSE(filter.ok()) << filters_text;
  if (filter.ok()) return "";
  EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(filter.status().message());
}

TEST(EventFilterTest, EmptyFiltersMatchEverything) {
  EXPECT_TRUE(Matches("[]"));
  auto null_filter = EventFilter::Compile(json());
  ASSERT_TRUE(null_filter.ok());
  EXPECT_TRUE(null_filter->matches_everything());
}

TEST(EventFilterTest, IsAndIsNotOnPayloadPaths) {
  EXPECT_TRUE(Matches(R"([["payload.entity.type", "is", "Asset"]])"));
  EXPECT_FALSE(Matches(R"([["payload.entity.type", "is", "Shot"]])"));
  EXPECT_TRUE(Matches(R"([["payload.entity.type", "is_not", "Shot"]])"));
  EXPECT_TRUE(Matches(R"([["payload.changes.sg_status.new", "is", "apr"]])"));
  EXPECT_TRUE(Matches(R"([["payload.frames", "is", 120]])"));
  EXPECT_TRUE(Matches(R"([["payload.frames", "is", 120.0]])"));
  EXPECT_TRUE(Matches(R"([["payload.final", "is", true]])"));
  EXPECT_FALSE(Matches(R"([["payload.frames", "is", "120"]])"));
}

TEST(EventFilterTest, MissingAndNullOnlyMatchIsNull) {
  EXPECT_TRUE(Matches(R"([["payload.note", "is", null]])"));
  EXPECT_TRUE(Matches(R"([["payload.nothing.here", "is", null]])"));
  EXPECT_FALSE(Matches(R"([["payload.nothing", "is", "x"]])"));
  EXPECT_TRUE(Matches(R"([["payload.nothing", "is_not", "x"]])"));
  EXPECT_FALSE(Matches(R"([["payload.frames", "is", null]])"));
  // Through a non-object: missing.
  EXPECT_TRUE(Matches(R"([["payload.frames.deeper", "is", null]])"));
}

TEST(EventFilterTest, LinksCompareByTypeAndId) {
  EXPECT_TRUE(Matches(R"([["payload.entity", "is", {"type": "Asset", "id": 12}]])"));
  EXPECT_FALSE(Matches(R"([["payload.entity", "is", {"type": "Asset", "id": 13}]])"));
  EXPECT_TRUE(Matches(R"([["project", "is", {"type": "Project", "id": 7}]])"));
  EXPECT_FALSE(Matches(R"([["project", "is", null]])"));
  EXPECT_TRUE(Matches(R"([["project.name", "is", "Bunny"]])"));
  EXPECT_TRUE(Matches(R"([["project.id", "in", [1, 7]]])"));
}

TEST(EventFilterTest, InAndNotIn) {
  EXPECT_TRUE(Matches(R"([["payload.entity.type", "in", ["Shot", "Asset"]]])"));
  EXPECT_TRUE(Matches(R"([["payload.entity.type", "in", "Shot", "Asset"]])"));
  EXPECT_FALSE(Matches(R"([["payload.entity.type", "in", ["Shot", "Sequence"]]])"));
  EXPECT_TRUE(Matches(R"([["payload.entity.type", "not_in", ["Shot"]]])"));
  EXPECT_FALSE(Matches(R"([["topic", "in", []]])"));
  EXPECT_TRUE(Matches(R"([["topic", "not_in", []]])"));
  EXPECT_TRUE(Matches(R"([["id", "in", [41, 42]]])"));
}

TEST(EventFilterTest, ContainsOnStringsAndArrays) {
  EXPECT_TRUE(Matches(R"([["payload.entity.name", "contains", "hai"]])"));
  EXPECT_FALSE(Matches(R"([["payload.entity.name", "contains", "table"]])"));
  EXPECT_TRUE(Matches(R"([["payload.tags", "contains", "hero"]])"));
  EXPECT_FALSE(Matches(R"([["payload.tags", "contains", "her"]])"));
  EXPECT_TRUE(Matches(R"([["payload.tags", "not_contains", "bg"]])"));
  EXPECT_TRUE(Matches(R"([["user", "contains", "lic"]])"));
}

TEST(EventFilterTest, StartsAndEndsWith) {
  EXPECT_TRUE(Matches(R"([["topic", "starts_with", "entity."]])"));
  EXPECT_FALSE(Matches(R"([["topic", "starts_with", "publish."]])"));
  EXPECT_TRUE(Matches(R"([["topic", "ends_with", ".updated"]])"));
  EXPECT_TRUE(Matches(R"([["source_host", "starts_with", "maya"]])"));
  EXPECT_FALSE(Matches(R"([["payload.frames", "starts_with", "1"]])"));  // Not a string.
}

TEST(EventFilterTest, GreaterAndLessThan) {
  EXPECT_TRUE(Matches(R"([["payload.frames", "greater_than", 100]])"));
  EXPECT_FALSE(Matches(R"([["payload.frames", "greater_than", 120]])"));
  EXPECT_TRUE(Matches(R"([["payload.ratio", "less_than", 2]])"));
  EXPECT_TRUE(Matches(R"([["id", "greater_than", 41]])"));
  EXPECT_FALSE(Matches(R"([["id", "less_than", 42]])"));
  EXPECT_TRUE(Matches(R"([["payload.entity.name", "greater_than", "bench"]])"));
  // Different kinds never order.
  EXPECT_FALSE(Matches(R"([["payload.entity.name", "greater_than", 1]])"));
  EXPECT_FALSE(Matches(R"([["payload.nothing", "less_than", 1]])"));
}

TEST(EventFilterTest, TimeComparesWithRfc3339OrMicros) {
  EXPECT_TRUE(Matches(R"([["time", "greater_than", "2023-11-14T22:00:00Z"]])"));
  EXPECT_FALSE(Matches(R"([["time", "greater_than", "2023-11-14T22:13:20Z"]])"));
  EXPECT_TRUE(Matches(R"([["time", "is", "2023-11-14T23:13:20+01:00"]])"));
  EXPECT_TRUE(Matches(R"([["time", "less_than", 1700000000000001]])"));
}

TEST(EventFilterTest, AllIsTheDefaultAndGroupsNest) {
  EXPECT_FALSE(Matches(R"([["topic", "starts_with", "entity."], ["user", "is", "bob"]])"));
  EXPECT_TRUE(Matches(R"([["topic", "starts_with", "entity."],
      {"filter_operator": "any", "filters": [["user", "is", "bob"], ["user", "is", "alice"]]}])"));
  EXPECT_FALSE(Matches(R"([{"filter_operator": "any", "filters": [
      ["user", "is", "bob"],
      {"filter_operator": "all", "filters": [["user", "is", "alice"], ["id", "is", 1]]}]}])"));
  EXPECT_TRUE(Matches(R"([{"filter_operator": "or", "filters": [
      ["user", "is", "bob"],
      {"filter_operator": "and", "filters": [["user", "is", "alice"], ["id", "is", 42]]}]}])"));
}

TEST(EventFilterTest, ErrorsNameTheElementPath) {
  EXPECT_PRED2(StartsWith, Error(R"([["topic", "is", "a"], ["topic", "iss", "a"]])"),
            "filters[1][1]: unknown relation \"iss\"");
  EXPECT_PRED2(StartsWith, Error(R"([["nope", "is", 1]])"), "filters[0][0]: unknown field \"n");
  EXPECT_EQ(Error(R"([[1, "is", 1]])"), "filters[0][0]: field must be a string");
  EXPECT_EQ(Error(R"([["topic", 3, 1]])"), "filters[0][1]: relation must be a string");
  EXPECT_EQ(Error(R"([["topic", "is"]])"), "filters[0]: expected [field, relation, value]");
  EXPECT_PRED2(StartsWith, Error(R"([42])"), "filters[0]: ");
  EXPECT_EQ(Error(R"({"a": 1})"), "filters: must be an array of filters");
  EXPECT_PRED2(StartsWith, Error(R"([["topic", "in", "a"]])"), "filters[0][2]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["topic", "is", 5]])"), "filters[0][2]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["id", "is", "x"]])"), "filters[0][2]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["id", "starts_with", "4"]])"), "filters[0][1]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["payload.a", "starts_with", 4]])"), "filters[0][2]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["payload.a", "greater_than", [1]]])"), "filters[0][2]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["time", "less_than", "yesterday"]])"), "filters[0][2]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["payload..a", "is", 1]])"), "filters[0][0]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["topic", "is", "a", "b"]])"), "filters[0]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["topic", "in", ["a", 5]]])"), "filters[0][2][1]: ");
  EXPECT_PRED2(StartsWith, Error(R"([["topic", "in", "a", 5]])"), "filters[0][3]: ");
  // Inside groups.
  EXPECT_PRED2(StartsWith, Error(R"([["topic", "is", "a"], {"filter_operator": "any", "filters": [
      ["user", "is", "x"], ["user", "iss", "y"]]}])"),
            "filters[1].filters[1][1]: u");
  EXPECT_PRED2(StartsWith, Error(R"([{"filter_operator": "xor", "filters": []}])"),
            "filters[0].filter_operator: ");
  EXPECT_PRED2(StartsWith, Error(R"([{"filter_operator": "any"}])"), "filters[0]: ");
  EXPECT_PRED2(StartsWith, Error(R"([{"filter_operator": "any", "filters": [], "x": 1}])"),
            "filters[0]: ");
}

TEST(EventFilterTest, DeepNestingIsRefused) {
  json filters = json::array({json::array({"topic", "is", "a"})});
  for (int i = 0; i < 40; ++i) {
    filters = json::array({json{{"filter_operator", "all"}, {"filters", filters}}});
  }
  auto filter = EventFilter::Compile(filters);
  ASSERT_FALSE(filter.ok());
  EXPECT_NE(filter.status().message().find("nest deeper"), std::string::npos);
}

}  // namespace
}  // namespace pipebridge::core::events

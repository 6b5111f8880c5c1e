// What JsonToMessage accepts beyond util's output, and every way it refuses input: each error
// is INVALID_ARGUMENT and names the element by its JSON path.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "adapters/transcoding/json_codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipebridge/transcoding_test/codec_test.pb.h"
#include "pipebridge/v1/bridge.pb.h"
#include "pipebridge/v1/entities.pb.h"
#include "pipebridge/v1/events.pb.h"
#include "pipebridge/v1/hosts.pb.h"
#include "pipebridge/v1/publishes.pb.h"

namespace pipebridge::transcoding {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using pipebridge::transcoding_test::AllTypes;

template <typename T>
std::string ErrorOf(std::string_view json, const JsonParseOptions& options = {}) {
  T message;
  absl::Status status = JsonToMessage(json, &message, options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << json;
  return std::string(status.message());
}

template <typename T>
T Parse(std::string_view json) {
  T message;
  absl::Status status = JsonToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status << "\n" << json;
  return message;
}

// --- What is accepted -----------------------------------------------------------------------

TEST(JsonToMessageTest, AcceptsBothNameStyles) {
  auto a = Parse<v1::FindEntitiesRequest>(R"({"entityType":"Shot","retiredOnly":true})");
  auto b = Parse<v1::FindEntitiesRequest>(R"({"entity_type":"Shot","retired_only":true})");
  EXPECT_EQ(a.entity_type(), "Shot");
  EXPECT_TRUE(a.retired_only());
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_EQ(Parse<AllTypes>(R"({"renamedField":"x"})").custom_named(), "x");
  EXPECT_EQ(Parse<AllTypes>(R"({"custom_named":"x"})").custom_named(), "x");
}

TEST(JsonToMessageTest, Int64FromNumberOrString) {
  EXPECT_EQ(Parse<v1::ListEventsRequest>(R"({"afterId":9007199254740993})").after_id(),
            9007199254740993);
  EXPECT_EQ(Parse<v1::ListEventsRequest>(R"({"afterId":"-9223372036854775808"})").after_id(),
            INT64_MIN);
  EXPECT_EQ(Parse<v1::ListEventsRequest>(R"({"afterId":1e3})").after_id(), 1000);
  EXPECT_EQ(Parse<v1::ListEventsRequest>(R"({"limit":"42"})").limit(), 42);
  auto all = Parse<AllTypes>(R"({"scalars":{"fUint64":18446744073709551615,"fFixed64":"1"}})");
  EXPECT_EQ(all.scalars().f_uint64(), UINT64_MAX);
  EXPECT_EQ(all.scalars().f_fixed64(), 1u);
}

TEST(JsonToMessageTest, EnumsByNameOrNumber) {
  auto by_name = Parse<v1::SortOrder>(R"({"direction":"SORT_DIRECTION_DESC"})");
  auto by_number = Parse<v1::SortOrder>(R"({"direction":2})");
  EXPECT_EQ(by_name.direction(), v1::SORT_DIRECTION_DESC);
  EXPECT_EQ(by_number.direction(), v1::SORT_DIRECTION_DESC);
  // proto3 enums are open: an unknown number is kept (and printed back as a number).
  EXPECT_EQ(Parse<v1::SortOrder>(R"({"direction":7})").direction(), 7);
}

TEST(JsonToMessageTest, NullMeansNotSet) {
  auto m = Parse<v1::FindEntitiesRequest>(
      R"({"entityType":null,"page":null,"fields":null,"retiredOnly":null,"filters":null})");
  EXPECT_EQ(m.ByteSizeLong(), 0u);
  // ...except in a google.protobuf.Value, where it is the JSON null.
  auto r = Parse<v1::InvokeResponse>(R"({"result":null})");
  EXPECT_TRUE(r.has_result());
  EXPECT_EQ(r.result().kind_case(), google::protobuf::Value::kNullValue);
  auto s = Parse<v1::CreateEntityRequest>(R"({"data":{"a":null,"b":[null]}})");
  EXPECT_EQ(s.data().fields().at("a").kind_case(), google::protobuf::Value::kNullValue);
}

TEST(JsonToMessageTest, WellKnownTypes) {
  auto m = Parse<AllTypes>(R"({
      "timestamp": "2024-05-01T12:00:00.5+02:00", "duration": "-1.5s",
      "wInt64": "5", "wBool": true, "wBytes": "aGk=", "fieldMask": "fooBar,x.yZ",
      "empty": {}, "listValue": [1, "a", [], {}], "nullValue": null,
      "any": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "2s"}})");
  EXPECT_EQ(m.timestamp().seconds(), 1714557600);
  EXPECT_EQ(m.timestamp().nanos(), 500000000);
  EXPECT_EQ(m.duration().seconds(), -1);
  EXPECT_EQ(m.duration().nanos(), -500000000);
  EXPECT_EQ(m.w_int64().value(), 5);
  EXPECT_TRUE(m.w_bool().value());
  EXPECT_EQ(m.w_bytes().value(), "hi");
  ASSERT_EQ(m.field_mask().paths_size(), 2);
  EXPECT_EQ(m.field_mask().paths(0), "foo_bar");
  EXPECT_EQ(m.list_value().values_size(), 4);
  EXPECT_TRUE(m.has_empty());
  EXPECT_TRUE(m.any().Is<google::protobuf::Duration>());
}

TEST(JsonToMessageTest, ClearsTheMessageFirst) {
  v1::PingRequest m;
  m.set_payload("old");
  ASSERT_TRUE(JsonToMessage("{}", &m).ok());
  EXPECT_EQ(m.payload(), "");
}

// --- What is refused, and where -------------------------------------------------------------

TEST(JsonToMessageErrorsTest, UnknownFieldNamesTheFieldAndType) {
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"entityType":"Shot","foo":1})"),
            "foo: unknown field \"foo\" in pipebridge.v1.FindEntitiesRequest");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"page":{"limit":1,"size":2}})"),
            "page.size: unknown field \"size\" in pipebridge.v1.Page");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"order":[{},{"field":"x"}]})"),
            "order[1].field: unknown field \"field\" in pipebridge.v1.SortOrder");
  EXPECT_EQ(ErrorOf<AllTypes>(R"({"empty":{"x":1}})"),
            "empty.x: unknown field \"x\" in google.protobuf.Empty");
}

TEST(JsonToMessageErrorsTest, WrongTypes) {
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"entityType":3})"),
            "entityType: expected string, got number");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"fields":["a",2]})"),
            "fields[1]: expected string, got number");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"fields":"a"})"),
            "fields: expected array, got string");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"page":[1]})"),
            "page: expected object, got array");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"retiredOnly":"true"})"),
            "retiredOnly: expected boolean, got string");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"filters":{"a":1}})"),
            "filters: expected array, got object");
  EXPECT_EQ(ErrorOf<v1::CreateEntityRequest>(R"({"data":[]})"),
            "data: expected object, got array");
  EXPECT_EQ(ErrorOf<v1::Event>(R"({"id":true})"), "id: expected int64, got boolean");
  EXPECT_EQ(ErrorOf<v1::BatchEntitiesRequest>(R"({"requests":[{"create":{"data":1}}]})"),
            "requests[0].create.data: expected object, got number");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"order":[null]})"),
            "order[0]: null is not allowed in a repeated field");
}

TEST(JsonToMessageErrorsTest, BadEnumName) {
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"order":[{"direction":"ASC"}]})"),
            "order[0].direction: unknown value \"ASC\" for enum pipebridge.v1.SortDirection");
  EXPECT_EQ(ErrorOf<v1::SortOrder>(R"({"direction":1.5})"),
            "direction: expected an integer for enum, got 1.5");
  EXPECT_EQ(ErrorOf<v1::SortOrder>(R"({"direction":true})"),
            "direction: expected a pipebridge.v1.SortDirection name or number, got boolean");
}

TEST(JsonToMessageErrorsTest, IntegerRanges) {
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"page":{"limit":1e20}})"),
            "page.limit: value 1e20 out of range for int32");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"page":{"limit":2147483648}})"),
            "page.limit: value 2147483648 out of range for int32");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"page":{"limit":-2147483649}})"),
            "page.limit: value -2147483649 out of range for int32");
  EXPECT_EQ(ErrorOf<v1::GetInfoResponse>(R"({"protocolVersion":-1})"),
            "protocolVersion: value -1 out of range for uint32");
  EXPECT_EQ(ErrorOf<v1::Event>(R"({"id":"9223372036854775808"})"),
            "id: value 9223372036854775808 out of range for int64");
  EXPECT_EQ(ErrorOf<v1::Event>(R"({"id":100000000000000000000000})"),
            "id: value 100000000000000000000000 out of range for int64");
  EXPECT_EQ(ErrorOf<AllTypes>(R"({"scalars":{"fFloat":1e39}})"),
            "scalars.fFloat: value 1e39 out of range for float");
  EXPECT_EQ(ErrorOf<AllTypes>(R"({"scalars":{"fDouble":1e400}})"),
            "scalars.fDouble: value 1e400 out of range for double");
}

TEST(JsonToMessageErrorsTest, NonIntegerForInteger) {
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"page":{"page":1.5}})"),
            "page.page: expected an integer for int32, got 1.5");
  EXPECT_EQ(ErrorOf<v1::Event>(R"({"id":"12abc"})"), "id: invalid int64 \"12abc\"");
  EXPECT_EQ(ErrorOf<v1::Publish>(R"({"dependencyIds":[1,2.25]})"),
            "dependencyIds[1]: expected an integer for int32, got 2.25");
}

TEST(JsonToMessageErrorsTest, InvalidBase64) {
  EXPECT_EQ(ErrorOf<AllTypes>(R"({"rBytes":["aGk=","a*b"]})"), "rBytes[1]: invalid base64 \"a*b\"");
  EXPECT_EQ(ErrorOf<AllTypes>(R"({"scalars":{"fBytes":"A"}})"),
            "scalars.fBytes: invalid base64 \"A\"");
}

TEST(JsonToMessageErrorsTest, InvalidTimestampAndDuration) {
  EXPECT_THAT(ErrorOf<v1::Event>(R"({"time":"2024-13-01T00:00:00Z"})"),
              StartsWith("time: invalid timestamp \"2024-13-01T00:00:00Z\" (expected RFC 3339"));
  EXPECT_THAT(ErrorOf<v1::Event>(R"({"time":"yesterday"})"),
              StartsWith("time: invalid timestamp \"yesterday\""));
  EXPECT_EQ(ErrorOf<v1::Event>(R"({"time":1700000000})"),
            "time: expected an RFC 3339 timestamp string, got number");
  EXPECT_THAT(ErrorOf<AllTypes>(R"({"rDuration":["1s","1.5"]})"),
              StartsWith("rDuration[1]: invalid duration \"1.5\""));
}

TEST(JsonToMessageErrorsTest, DuplicateKeys) {
  EXPECT_EQ(ErrorOf<v1::PingRequest>(R"({"payload":"a","payload":"b"})"),
            "payload: field \"payload\" given twice");
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"entityType":"a","entity_type":"b"})"),
            "entity_type: field \"entity_type\" given twice");
  EXPECT_EQ(ErrorOf<v1::CreateEntityRequest>(R"({"data":{"code":1,"x":{"a":1,"a":2}}})"),
            "data.x.a: duplicate key \"a\"");
  EXPECT_EQ(ErrorOf<AllTypes>(R"({"mInt32String":{"1":"a","01":"b"}})"),
            "mInt32String[\"01\"]: duplicate map key \"01\"");
  EXPECT_EQ(ErrorOf<v1::BatchOperation>(R"({"create":{},"delete":{}})"),
            "delete: oneof \"operation\" already has field \"create\" set");
}

TEST(JsonToMessageErrorsTest, MapKeys) {
  EXPECT_EQ(ErrorOf<AllTypes>(R"({"mInt32String":{"x":"a"}})"),
            "mInt32String.x: invalid map key \"x\": expected int32");
  EXPECT_EQ(ErrorOf<AllTypes>(R"({"mBoolBytes":{"yes":"a"}})"),
            "mBoolBytes.yes: invalid map key \"yes\": expected \"true\" or \"false\"");
}

TEST(JsonToMessageErrorsTest, DepthLimit) {
  // 10,000 nested arrays inside a Struct field: refused quickly, no stack overflow.
  std::string deep = R"({"data":{"x":)" + std::string(10000, '[') + std::string(10000, ']') + "}}";
  auto start = std::chrono::steady_clock::now();
  std::string error = ErrorOf<v1::CreateEntityRequest>(deep);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_THAT(error, StartsWith("data.x[0][0][0]"));
  EXPECT_THAT(error, HasSubstr(": JSON nested deeper than 64 levels"));
  EXPECT_LT(elapsed, std::chrono::milliseconds(100));

  // Within simdjson's own limit but beyond ours: same message, from the reader.
  std::string hundred =
      R"({"data":{"x":)" + std::string(100, '[') + std::string(100, ']') + "}}";
  EXPECT_THAT(ErrorOf<v1::CreateEntityRequest>(hundred),
              HasSubstr(": JSON nested deeper than 64 levels"));

  // The limit is a parameter; the top-level object counts as level 1.
  JsonParseOptions two;
  two.max_depth = 2;
  EXPECT_EQ(ErrorOf<v1::FindEntitiesRequest>(R"({"filters":[["a"]]})", two),
            "filters[0]: JSON nested deeper than 2 levels");
  v1::FindEntitiesRequest ok;
  EXPECT_TRUE(JsonToMessage(R"({"filters":["a"]})", &ok, two).ok());
}

TEST(JsonToMessageErrorsTest, InvalidUtf8) {
  EXPECT_THAT(ErrorOf<v1::FindEntitiesRequest>("{\"fields\":[\"ok\",\"bad\xff\"]}"),
              StartsWith("fields[1]: invalid UTF-8 in string"));
  EXPECT_THAT(ErrorOf<v1::CreateEntityRequest>("{\"data\":{\"k\xc3\x28\":1}}"),
              StartsWith("data: invalid UTF-8 in string"));
  EXPECT_THAT(ErrorOf<v1::PingRequest>(R"({"payload":"\ud800"})"),
              StartsWith("payload: unpaired surrogate \\u escape in string"));
}

TEST(JsonToMessageErrorsTest, TruncatedJson) {
  EXPECT_THAT(ErrorOf<v1::FindEntitiesRequest>(R"({"filters":[["a","is",)"),
              StartsWith("filters[0][2]: unexpected end of input"));
  EXPECT_THAT(ErrorOf<v1::FindEntitiesRequest>(R"({"entityType":"Sh)"),
              StartsWith("entityType: unexpected end of input"));
  EXPECT_THAT(ErrorOf<v1::FindEntitiesRequest>(R"({"page":{"limit":1)"),
              StartsWith("page: unexpected end of input (offset 18)"));
  EXPECT_THAT(ErrorOf<v1::FindEntitiesRequest>(""), StartsWith("empty input"));
}

TEST(JsonToMessageErrorsTest, MalformedJson) {
  EXPECT_THAT(ErrorOf<v1::FindEntitiesRequest>(R"({"page":{"limit":01}})"),
              StartsWith("page.limit: invalid number"));
  EXPECT_THAT(ErrorOf<v1::FindEntitiesRequest>(R"({"retiredOnly":tru})"),
              StartsWith("retiredOnly: invalid literal"));
  EXPECT_THAT(ErrorOf<v1::FindEntitiesRequest>(R"({"fields":["a" "b"]})"),
              StartsWith("fields: expected ',' or ']' after an element (offset 15)"));
  EXPECT_THAT(ErrorOf<v1::FindEntitiesRequest>(R"({"fields":["a",]})"),
              StartsWith("fields[1]: unexpected character ']'"));
}

TEST(JsonToMessageErrorsTest, TrailingGarbage) {
  EXPECT_EQ(ErrorOf<v1::PingRequest>(R"({"payload":"a"} x)"),
            "unexpected characters after the JSON object (offset 16)");
  EXPECT_EQ(ErrorOf<v1::PingRequest>(R"({"payload":"a"}{})"),
            "unexpected characters after the JSON object (offset 15)");
  v1::PingRequest ok;
  EXPECT_TRUE(JsonToMessage("  {\"payload\":\"a\"}\n ", &ok).ok());
}

TEST(JsonToMessageErrorsTest, NonObjectTopLevel) {
  EXPECT_EQ(ErrorOf<v1::PingRequest>("[1]"),
            "expected a JSON object at the top level, got array");
  EXPECT_EQ(ErrorOf<v1::PingRequest>("\"x\""),
            "expected a JSON object at the top level, got string");
  EXPECT_EQ(ErrorOf<v1::PingRequest>("null"),
            "expected a JSON object at the top level, got null");
  EXPECT_EQ(ErrorOf<v1::PingRequest>("42"),
            "expected a JSON object at the top level, got number");
}

TEST(JsonToMessageErrorsTest, OddKeysArePathSafe) {
  EXPECT_EQ(ErrorOf<v1::CreateEntityRequest>(R"({"data":{"a b":{"c\"d":[1,{"e":[tru]}]}}})"),
            "data[\"a b\"][\"c\\\"d\"][1].e[0]: invalid literal (offset 32)");
}

}  // namespace
}  // namespace pipebridge::transcoding

namespace pipebridge::transcoding {
namespace {

TEST(JsonCodecThreadsTest, TablesBuiltConcurrentlyOnFirstUse) {
  // Each test runs in its own process (gtest_discover_tests): here the tables are cold, and
  // four threads race to build and use them.
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&failures, t] {
      for (int i = 0; i < 200; ++i) {
        v1::FindEntitiesRequest request;
        std::string json = R"({"entityType":"Shot","filters":[["id","is",)" +
                           std::to_string(t * 1000 + i) +
                           R"(]],"order":[{"fieldName":"code","direction":"SORT_DIRECTION_DESC"}]})";
        if (!JsonToMessage(json, &request).ok()) ++failures;
        std::string out;
        MessageToJson(request, &out);
        v1::FindEntitiesRequest again;
        if (!JsonToMessage(out, &again).ok() ||
            again.SerializeAsString() != request.SerializeAsString()) {
          ++failures;
        }
        v1::Event event;
        if (!JsonToMessage(R"({"id":"7","time":"2024-01-01T00:00:00Z"})", &event).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(JsonCodecThreadsTest, LargeInputThenSmall) {
  std::string big = R"({"payload":")" + std::string(3 << 20, 'x') + R"("})";
  v1::PingRequest m;
  ASSERT_TRUE(JsonToMessage(big, &m).ok());
  EXPECT_EQ(m.payload().size(), size_t{3} << 20);
  ASSERT_TRUE(JsonToMessage(R"({"payload":"small"})", &m).ok());
  EXPECT_EQ(m.payload(), "small");
}

}  // namespace
}  // namespace pipebridge::transcoding

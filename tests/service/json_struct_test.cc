#include "bridge/service/json_struct.h"

#include <gtest/gtest.h>

namespace pipebridge::service {
namespace {

TEST(JsonStructTest, WholeNumbersComeBackAsIntegers) {
  auto json = nlohmann::json::parse(R"({"id": 42, "ratio": 0.5, "big": 9007199254740992,
                                        "link": {"type": "Shot", "id": 7}, "tags": ["a", 1, null, true]})");
  google::protobuf::Struct proto;
  JsonToStruct(json, &proto);
  EXPECT_EQ(proto.fields().at("id").number_value(), 42.0);
  nlohmann::json back = StructToJson(proto);
  EXPECT_TRUE(back["id"].is_number_integer());
  EXPECT_EQ(back["id"], 42);
  EXPECT_TRUE(back["ratio"].is_number_float());
  EXPECT_TRUE(back["link"]["id"].is_number_integer());
  EXPECT_EQ(back, json);
}

TEST(JsonStructTest, NonFiniteAndHugeNumbersStayDoubles) {
  google::protobuf::Value value;
  value.set_number_value(1e300);
  EXPECT_TRUE(ValueToJson(value).is_number_float());
  value.set_number_value(9223372036854775808.0);  // 2^63: no int64
  EXPECT_TRUE(ValueToJson(value).is_number_float());
  value.set_number_value(-9223372036854775808.0);  // -2^63 is one
  EXPECT_TRUE(ValueToJson(value).is_number_integer());
}

TEST(JsonStructTest, UnsetValueIsNull) {
  EXPECT_TRUE(ValueToJson(google::protobuf::Value()).is_null());
}

}  // namespace
}  // namespace pipebridge::service

// The schema subset command arguments are checked against: each keyword, and error paths.
#include "bridge/core/hosts/json_schema.h"

#include <gtest/gtest.h>

namespace pipebridge::core::hosts {
namespace {

using nlohmann::json;

const json kExportSchema = json::parse(R"({
  "type": "object",
  "required": ["layers", "format"],
  "additionalProperties": false,
  "properties": {
    "layers": {"type": "array", "items": {"type": "string", "minLength": 1}},
    "format": {"enum": ["png", "exr"]},
    "quality": {"type": "integer", "minimum": 0, "maximum": 100},
    "scale": {"type": ["number", "null"]},
    "name": {"type": "string", "maxLength": 3}
  }
})");

std::string Error(const json& value) {
  absl::Status status = ValidateJson(kExportSchema, value, "args");
  EXPECT_FALSE(status.ok()) << value.dump();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  return std::string(status.message());
}

TEST(JsonSchemaTest, AcceptsConformingArguments) {
  EXPECT_TRUE(ValidateJson(kExportSchema,
                           json::parse(R"({"layers":["bg","fg"],"format":"png","quality":90,
                                           "scale":null,"name":"été"})"),
                           "args")
                  .ok());
  EXPECT_TRUE(ValidateJson(kExportSchema, json::parse(R"({"layers":[],"format":"exr","scale":0.5})"),
                           "args")
                  .ok());
  EXPECT_TRUE(ValidateJson(json::object(), json::parse(R"({"anything":[1,2]})"), "args").ok());
}

TEST(JsonSchemaTest, NamesThePathOfTheFirstError) {
  EXPECT_EQ(Error(json::parse(R"({"layers":["a","b",3],"format":"png"})")),
            "args.layers[2]: expected string, got integer");
  EXPECT_EQ(Error(json::parse(R"({"layers":["a"]})")), "args.format: required");
  EXPECT_EQ(Error(json::parse(R"({"layers":["a"],"format":"tif"})")),
            "args.format: \"tif\" is not one of \"png\", \"exr\"");
  EXPECT_EQ(Error(json::parse(R"({"layers":["a"],"format":"png","extra":1})")),
            "args.extra: not allowed (no such argument)");
  EXPECT_EQ(Error(json::parse(R"({"layers":[""],"format":"png"})")),
            "args.layers[0]: shorter than 1 characters (0)");
  EXPECT_EQ(Error(json::parse(R"({"layers":[],"format":"png","name":"abcd"})")),
            "args.name: longer than 3 characters (4)");
  EXPECT_EQ(Error(json::parse(R"({"layers":[],"format":"png","quality":101})")),
            "args.quality: 101 is greater than the maximum 100");
  EXPECT_EQ(Error(json::parse(R"({"layers":[],"format":"png","quality":-1})")),
            "args.quality: -1 is less than the minimum 0");
  EXPECT_EQ(Error(json::parse(R"({"layers":[],"format":"png","quality":2.5})")),
            "args.quality: expected integer, got number");
  EXPECT_EQ(Error(json::parse(R"({"layers":[],"format":"png","scale":"big"})")),
            "args.scale: expected number or null, got string");
  EXPECT_EQ(Error(json::parse(R"([1])")), "args: expected object, got array");
}

TEST(JsonSchemaTest, IntegralDoublesAreIntegers) {
  EXPECT_TRUE(ValidateJson(json::parse(R"({"type":"integer"})"), json(3.0), "v").ok());
  EXPECT_TRUE(ValidateJson(json::parse(R"({"type":"number"})"), json(3), "v").ok());
  EXPECT_TRUE(ValidateJson(json::parse(R"({"type":"boolean"})"), json(true), "v").ok());
  EXPECT_FALSE(ValidateJson(json::parse(R"({"type":"boolean"})"), json(1), "v").ok());
}

TEST(JsonSchemaTest, AdditionalPropertiesMayBeASchema) {
  json schema = json::parse(R"({"type":"object","additionalProperties":{"type":"string"}})");
  EXPECT_TRUE(ValidateJson(schema, json::parse(R"({"a":"x"})"), "args").ok());
  EXPECT_EQ(ValidateJson(schema, json::parse(R"({"a":{"b":1}})"), "args").message(),
            "args.a: expected string, got object");
}

TEST(JsonSchemaTest, CheckSchemaRefusesUnusableKeywords) {
  EXPECT_TRUE(CheckSchema(kExportSchema, "s").ok());
  EXPECT_EQ(CheckSchema(json::parse(R"({"type":"text"})"), "s").message(),
            "s.type: expected a JSON type name or a list of them");
  EXPECT_EQ(CheckSchema(json::parse(R"({"properties":{"a":{"required":"x"}}})"), "s").message(),
            "s.properties.a.required: expected a list of property names");
  EXPECT_EQ(CheckSchema(json(3), "s").message(), "s: a schema must be an object");
}

}  // namespace
}  // namespace pipebridge::core::hosts

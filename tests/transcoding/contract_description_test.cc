// The rpc.discover document: every method with its kind, descriptions from the .proto
// comments, resolvable references, and schemas that accept what the codec prints for
// random messages of every type (and refuse what it would not).
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/transcoding/contract_description.h"
#include "adapters/transcoding/json_codec.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pipebridge/v1/bridge.pb.h"
#include "pipebridge/v1/context.pb.h"
#include "pipebridge/v1/entities.pb.h"
#include "pipebridge/v1/events.pb.h"
#include "pipebridge/v1/hosts.pb.h"
#include "pipebridge/v1/publishes.pb.h"
#include "pipebridge/v1/templates.pb.h"
#include "tests/transcoding/random_message.h"

namespace pipebridge::transcoding {
namespace {

namespace pb = google::protobuf;
using Json = nlohmann::json;

std::vector<const pb::ServiceDescriptor*> ContractServices() {
  return {
      v1::PingRequest::descriptor()->file()->FindServiceByName("BridgeService"),
      v1::FindEntitiesRequest::descriptor()->file()->FindServiceByName("EntityService"),
      v1::ApplyTemplateRequest::descriptor()->file()->FindServiceByName("TemplateService"),
      v1::ContextFromPathRequest::descriptor()->file()->FindServiceByName("ContextService"),
      v1::RegisterPublishRequest::descriptor()->file()->FindServiceByName("PublishService"),
      v1::SubscribeEventsRequest::descriptor()->file()->FindServiceByName("EventService"),
      v1::AttachRequest::descriptor()->file()->FindServiceByName("HostService"),
  };
}

Json Document() {
  static const Json document = Json::parse(DescribeContract(ContractServices(), 1));
  return document;
}

const Json* FindMethod(const Json& document, const std::string& name) {
  for (const Json& service : document["services"]) {
    for (const Json& method : service["methods"]) {
      if (method["method"] == name) return &method;
    }
  }
  return nullptr;
}

// A small JSON Schema checker for the keywords the document uses. Returns the first
// violation as "path: why", or "" when `value` fits.
std::string Check(const Json& schemas, const Json& schema, const Json& value,
                  const std::string& path) {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];
    const std::string prefix = "#/schemas/";
    if (ref.rfind(prefix, 0) != 0) return path + ": bad $ref " + ref;
    std::string name = ref.substr(prefix.size());
    if (!schemas.contains(name)) return path + ": dangling $ref " + ref;
    return Check(schemas, schemas[name], value, path);
  }
  if (schema.contains("anyOf")) {
    std::string problems;
    for (const Json& option : schema["anyOf"]) {
      std::string problem = Check(schemas, option, value, path);
      if (problem.empty()) return "";
      problems += (problems.empty() ? "" : "; ") + problem;
    }
    return problems;
  }
  if (schema.contains("type")) {
    std::vector<std::string> types;
    if (schema["type"].is_array()) {
      for (const Json& t : schema["type"]) types.push_back(t);
    } else {
      types.push_back(schema["type"]);
    }
    bool fits = false;
    for (const std::string& t : types) {
      fits = fits || (t == "object" && value.is_object()) || (t == "array" && value.is_array()) ||
             (t == "string" && value.is_string()) || (t == "boolean" && value.is_boolean()) ||
             (t == "number" && value.is_number()) ||
             (t == "integer" && (value.is_number_integer() ||
                                 (value.is_number_float() &&
                                  value.get<double>() == static_cast<double>(
                                                             static_cast<int64_t>(value.get<double>())))));
    }
    // ProtoJSON prints NaN and infinities of float fields as strings.
    if (!fits && value.is_string() && (std::find(types.begin(), types.end(), "number") != types.end())) {
      fits = value == "NaN" || value == "Infinity" || value == "-Infinity";
    }
    if (!fits) return path + ": " + value.dump() + " is not of type " + schema["type"].dump();
  }
  if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), value) ==
                                     schema["enum"].end()) {
    return path + ": " + value.dump() + " is not one of " + schema["enum"].dump();
  }
  if (value.is_object() && schema.contains("properties")) {
    for (const auto& [key, member] : value.items()) {
      if (schema["properties"].contains(key)) {
        std::string problem = Check(schemas, schema["properties"][key], member, path + "." + key);
        if (!problem.empty()) return problem;
      } else if (schema.value("additionalProperties", Json(true)) == Json(false)) {
        return path + ": unexpected property " + key;
      }
    }
  }
  if (value.is_object() && schema.contains("additionalProperties") &&
      schema["additionalProperties"].is_object()) {
    for (const auto& [key, member] : value.items()) {
      std::string problem = Check(schemas, schema["additionalProperties"], member, path + "." + key);
      if (!problem.empty()) return problem;
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      std::string problem = Check(schemas, schema["items"], value[i], absl::StrCat(path, "[", i, "]"));
      if (!problem.empty()) return problem;
    }
  }
  return "";
}

TEST(ContractDescriptionTest, ListsEveryMethodWithItsKindAndTypes) {
  Json document = Document();
  EXPECT_EQ(document["protocolVersion"], 1);
  ASSERT_EQ(document["services"].size(), 7u);
  size_t methods = 0;
  for (const Json& service : document["services"]) methods += service["methods"].size();
  EXPECT_EQ(methods, 38u);

  const Json* find = FindMethod(document, "pipebridge.v1.EntityService/Find");
  ASSERT_NE(find, nullptr);
  EXPECT_EQ((*find)["name"], "Find");
  EXPECT_EQ((*find)["kind"], "unary");
  EXPECT_EQ((*find)["request"], "pipebridge.v1.FindEntitiesRequest");
  EXPECT_EQ((*find)["response"], "pipebridge.v1.FindEntitiesResponse");
  EXPECT_EQ((*FindMethod(document, "pipebridge.v1.EventService/Subscribe"))["kind"],
            "server_streaming");
  EXPECT_EQ((*FindMethod(document, "pipebridge.v1.HostService/Attach"))["kind"], "bidi_streaming");
}

TEST(ContractDescriptionTest, MarksExactlyTheSideEffectFreeMethodsIdempotent) {
  Json document = Document();
  std::vector<std::string> idempotent;
  for (const Json& service : document["services"]) {
    for (const Json& method : service["methods"]) {
      ASSERT_TRUE(method["idempotent"].is_boolean()) << method["method"];
      if (method["idempotent"].get<bool>()) idempotent.push_back(method["method"]);
    }
  }
  // Reads only: what Connect serves over GET. Writes, invocations and streams are not.
  const std::vector<std::string> expected = {
      "pipebridge.v1.BridgeService/GetInfo",       "pipebridge.v1.BridgeService/Ping",
      "pipebridge.v1.ContextService/FromPath",     "pipebridge.v1.ContextService/FromEntity",
      "pipebridge.v1.ContextService/ToFields",     "pipebridge.v1.ContextService/Serialize",
      "pipebridge.v1.ContextService/Deserialize",  "pipebridge.v1.EntityService/Find",
      "pipebridge.v1.EntityService/Get",           "pipebridge.v1.EntityService/Schema",
      "pipebridge.v1.EntityService/Summarize",     "pipebridge.v1.EventService/List",
      "pipebridge.v1.HostService/ListHosts",       "pipebridge.v1.PublishService/Get",
      "pipebridge.v1.PublishService/FindLatest",   "pipebridge.v1.PublishService/Find",
      "pipebridge.v1.PublishService/Upstream",     "pipebridge.v1.PublishService/Downstream",
      "pipebridge.v1.PublishService/StaleIfRepublished",
      "pipebridge.v1.TemplateService/ListTemplates", "pipebridge.v1.TemplateService/Apply",
      "pipebridge.v1.TemplateService/Parse",       "pipebridge.v1.TemplateService/Match",
      "pipebridge.v1.TemplateService/Explain",     "pipebridge.v1.TemplateService/Validate",
      "pipebridge.v1.TemplateService/MissingKeys"};
  std::sort(idempotent.begin(), idempotent.end());
  std::vector<std::string> sorted = expected;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(idempotent, sorted);
}

TEST(ContractDescriptionTest, DescriptionsAreTheProtoComments) {
  Json document = Document();
  EXPECT_EQ((*FindMethod(document, "pipebridge.v1.EntityService/Find"))["description"],
            "Entities of one type matching filters, ordered and paged.");
  const Json& hello = document["schemas"]["pipebridge.v1.Invocation"];
  EXPECT_EQ(hello["properties"]["callerHost"]["description"],
            "Host id of the calling host, when the caller is itself an attached host.");
  // A service is described by the comment that opens its file.
  for (const Json& service : document["services"]) {
    EXPECT_EQ(service["description"].get<std::string>().rfind(
                  service["name"].get<std::string>().substr(std::string("pipebridge.v1.").size()) + ": ", 0),
              0u)
        << service.dump();
  }
  // Multi-line comments keep their line breaks.
  std::string attach = (*FindMethod(document, "pipebridge.v1.HostService/Attach"))["description"];
  EXPECT_NE(attach.find("\n"), std::string::npos) << attach;
  EXPECT_EQ(attach.find("//"), std::string::npos) << attach;
}

TEST(ContractDescriptionTest, ShapesFollowProtoJson) {
  Json schemas = Document()["schemas"];
  const Json& invocation = schemas["pipebridge.v1.Invocation"]["properties"];
  EXPECT_EQ(invocation["deadline"]["format"], "date-time");       // Timestamp inline
  EXPECT_EQ(invocation["args"]["type"], "object");                // Struct inline
  EXPECT_EQ(invocation["invocationId"]["type"], "string");        // json_name keys
  const Json& attached = schemas["pipebridge.v1.Attached"]["properties"];
  EXPECT_EQ(attached["leaseMs"]["type"], Json({"integer", "string"}));  // int64
  EXPECT_EQ(attached["host"]["$ref"], "#/schemas/pipebridge.v1.Host");
  EXPECT_EQ(schemas["pipebridge.v1.Host"]["properties"]["commands"]["type"], "array");
  EXPECT_EQ(schemas["pipebridge.v1.AttachRequest"]["properties"]["hello"]["description"]
                .get<std::string>()
                .find("One of `message`"),
            std::string("First message: who the host is and what it offers.\n").size());
  EXPECT_FALSE(schemas.contains("google.protobuf.Struct"));  // well-known types are inline
}

TEST(ContractDescriptionTest, EveryReferenceResolves) {
  Json schemas = Document()["schemas"];
  std::vector<std::string> refs;
  std::function<void(const Json&)> walk = [&](const Json& node) {
    if (node.is_object()) {
      if (node.contains("$ref")) refs.push_back(node["$ref"]);
      for (const auto& [key, child] : node.items()) walk(child);
    } else if (node.is_array()) {
      for (const Json& child : node) walk(child);
    }
  };
  walk(schemas);
  ASSERT_GT(refs.size(), 50u);
  for (const std::string& ref : refs) {
    EXPECT_TRUE(schemas.contains(ref.substr(std::string("#/schemas/").size()))) << ref;
  }
  // Named: a range-for over Document()["services"] would walk a destroyed temporary.
  const Json document = Document();
  for (const Json& service : document["services"]) {
    for (const Json& method : service["methods"]) {
      EXPECT_TRUE(schemas.contains(method["request"].get<std::string>())) << method["request"];
      EXPECT_TRUE(schemas.contains(method["response"].get<std::string>())) << method["response"];
    }
  }
}

TEST(ContractDescriptionTest, SchemasAcceptWhatTheCodecPrintsForRandomMessages) {
  Json document = Document();
  const Json& schemas = document["schemas"];
  int checked = 0;
  for (const auto& [name, schema] : schemas.items()) {
    const pb::Descriptor* descriptor = pb::DescriptorPool::generated_pool()->FindMessageTypeByName(name);
    if (descriptor == nullptr) continue;  // an enum
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      std::unique_ptr<pb::Message> message(
          pb::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
      testing::RandomMessageFiller(seed).Fill(message.get());
      std::string json;
      MessageToJson(*message, &json);
      EXPECT_EQ(Check(schemas, schema, Json::parse(json), name), "") << json;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST(ContractDescriptionTest, SchemasRefuseWrongShapes) {
  Json schemas = Document()["schemas"];
  const Json& request = schemas["pipebridge.v1.FindEntitiesRequest"];
  EXPECT_NE(Check(schemas, request, Json::parse(R"({"entityTyp": "Shot"})"), "r"), "");
  EXPECT_NE(Check(schemas, request, Json::parse(R"({"entityType": 3})"), "r"), "");
  EXPECT_NE(Check(schemas, request, Json::parse(R"({"page": {"limit": "many"}})"), "r"), "");
  EXPECT_EQ(Check(schemas, request, Json::parse(R"({"entityType": "Shot", "page": {"limit": 5}})"), "r"), "");
}

}  // namespace
}  // namespace pipebridge::transcoding

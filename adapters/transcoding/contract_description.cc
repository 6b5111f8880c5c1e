#include "adapters/transcoding/contract_description.h"

#include <deque>

#include "absl/container/flat_hash_set.h"
#include "adapters/transcoding/contract_docs.h"
#include "google/protobuf/descriptor.pb.h"
#include "nlohmann/json.hpp"

namespace pipebridge::transcoding {
namespace {

namespace pb = google::protobuf;
using Json = nlohmann::ordered_json;

constexpr char kRefPrefix[] = "#/schemas/";

const char* KindOf(const pb::MethodDescriptor& method) {
  if (method.client_streaming()) {
    return method.server_streaming() ? "bidi_streaming" : "client_streaming";
  }
  return method.server_streaming() ? "server_streaming" : "unary";
}

void Describe(Json& schema, const std::string& comment) {
  if (!comment.empty()) schema["description"] = comment;
}

// The ProtoJSON form of a well-known type, inline; null for an ordinary message.
Json WellKnownSchema(const pb::Descriptor& message) {
  const std::string& name = message.full_name();
  if (name == "google.protobuf.Struct") return {{"type", "object"}};
  if (name == "google.protobuf.Value") return Json::object();  // any JSON value
  if (name == "google.protobuf.ListValue") return {{"type", "array"}};
  if (name == "google.protobuf.Empty") {
    return {{"type", "object"}, {"additionalProperties", false}};
  }
  if (name == "google.protobuf.Timestamp") {
    return {{"type", "string"}, {"format", "date-time"}};
  }
  if (name == "google.protobuf.Duration") {
    return {{"type", "string"}, {"pattern", "^-?[0-9]+(\\.[0-9]{1,9})?s$"}};
  }
  if (name == "google.protobuf.FieldMask") return {{"type", "string"}};
  if (name == "google.protobuf.Any") {
    return {{"type", "object"}, {"required", {"@type"}}};
  }
  if (name == "google.protobuf.DoubleValue" || name == "google.protobuf.FloatValue") {
    return {{"type", "number"}};
  }
  if (name == "google.protobuf.Int64Value" || name == "google.protobuf.UInt64Value") {
    return {{"type", {"integer", "string"}}, {"format", "int64"}};
  }
  if (name == "google.protobuf.Int32Value" || name == "google.protobuf.UInt32Value") {
    return {{"type", "integer"}};
  }
  if (name == "google.protobuf.BoolValue") return {{"type", "boolean"}};
  if (name == "google.protobuf.StringValue") return {{"type", "string"}};
  if (name == "google.protobuf.BytesValue") {
    return {{"type", "string"}, {"contentEncoding", "base64"}};
  }
  return nullptr;
}

class SchemaBuilder {
 public:
  // Schemas of `root` and of every message and enum it reaches, keyed by full name.
  void Add(const pb::Descriptor& root) {
    if (Json inline_schema = WellKnownSchema(root); !inline_schema.is_null()) {
      if (seen_.insert(root.full_name()).second) schemas_[root.full_name()] = inline_schema;
      return;
    }
    Visit(root);
  }

  Json Take() {
    while (!pending_.empty()) {
      const pb::Descriptor* message = pending_.front();
      pending_.pop_front();
      schemas_[message->full_name()] = MessageSchema(*message);
    }
    return std::move(schemas_);
  }

 private:
  // A reference to a message's schema, queueing it the first time.
  Json Reference(const pb::Descriptor& message) {
    if (Json inline_schema = WellKnownSchema(message); !inline_schema.is_null()) {
      return inline_schema;
    }
    Visit(message);
    return {{"$ref", kRefPrefix + message.full_name()}};
  }

  void Visit(const pb::Descriptor& message) {
    if (seen_.insert(message.full_name()).second) {
      schemas_[message.full_name()] = nullptr;  // fixes the order: first reached, first listed
      pending_.push_back(&message);
    }
  }

  Json EnumReference(const pb::EnumDescriptor& enumeration) {
    if (seen_.insert(enumeration.full_name()).second) {
      Json names = Json::array();
      for (int i = 0; i < enumeration.value_count(); ++i) {
        names.push_back(enumeration.value(i)->name());
      }
      // Values by name; proto3 enums are open, so a number the contract does not name (sent
      // by a newer peer) prints as that number.
      Json schema = {{"anyOf", {{{"type", "string"}, {"enum", std::move(names)}},
                                {{"type", "integer"}}}}};
      Describe(schema, ContractComment(enumeration));
      schemas_[enumeration.full_name()] = std::move(schema);
    }
    return {{"$ref", kRefPrefix + enumeration.full_name()}};
  }

  Json ScalarSchema(const pb::FieldDescriptor& field) {
    using T = pb::FieldDescriptor;
    switch (field.type()) {
      case T::TYPE_DOUBLE:
      case T::TYPE_FLOAT:
        return {{"type", "number"}};
      case T::TYPE_INT32:
      case T::TYPE_SINT32:
      case T::TYPE_SFIXED32:
        return {{"type", "integer"}, {"minimum", -2147483648LL}, {"maximum", 2147483647LL}};
      case T::TYPE_UINT32:
      case T::TYPE_FIXED32:
        return {{"type", "integer"}, {"minimum", 0}, {"maximum", 4294967295LL}};
      case T::TYPE_INT64:
      case T::TYPE_SINT64:
      case T::TYPE_SFIXED64:
      case T::TYPE_UINT64:
      case T::TYPE_FIXED64:
        // ProtoJSON prints 64-bit integers as strings and reads either form.
        return {{"type", {"integer", "string"}}, {"format", "int64"}};
      case T::TYPE_BOOL:
        return {{"type", "boolean"}};
      case T::TYPE_STRING:
        return {{"type", "string"}};
      case T::TYPE_BYTES:
        return {{"type", "string"}, {"contentEncoding", "base64"}};
      case T::TYPE_ENUM:
        return EnumReference(*field.enum_type());
      case T::TYPE_MESSAGE:
      case T::TYPE_GROUP:
        return Reference(*field.message_type());
    }
    return Json::object();
  }

  Json FieldSchema(const pb::FieldDescriptor& field) {
    Json schema;
    if (field.is_map()) {
      schema = {{"type", "object"},
                {"additionalProperties", ScalarSchema(*field.message_type()->map_value())}};
    } else if (field.is_repeated()) {
      schema = {{"type", "array"}, {"items", ScalarSchema(field)}};
    } else {
      schema = ScalarSchema(field);
    }
    std::string comment = ContractComment(field);
    const pb::OneofDescriptor* oneof = field.real_containing_oneof();
    if (oneof != nullptr) {
      if (!comment.empty()) comment += "\n";
      comment += "One of `" + oneof->name() + "`: set at most one of its fields.";
    }
    // A $ref with siblings is fine in draft 2020-12; keep the description beside it.
    Describe(schema, comment);
    return schema;
  }

  Json MessageSchema(const pb::Descriptor& message) {
    Json schema = {{"type", "object"}};
    Describe(schema, ContractComment(message));
    Json properties = Json::object();
    for (int i = 0; i < message.field_count(); ++i) {
      const pb::FieldDescriptor& field = *message.field(i);
      properties[field.json_name()] = FieldSchema(field);
    }
    schema["properties"] = std::move(properties);
    schema["additionalProperties"] = false;
    return schema;
  }

  Json schemas_ = Json::object();
  absl::flat_hash_set<std::string> seen_;
  std::deque<const pb::Descriptor*> pending_;
};

}  // namespace

std::string DescribeContract(const std::vector<const pb::ServiceDescriptor*>& services,
                             int protocol_version, int indent) {
  SchemaBuilder schemas;
  Json service_list = Json::array();
  for (const pb::ServiceDescriptor* service : services) {
    Json methods = Json::array();
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor& method = *service->method(i);
      Json entry = {{"name", method.name()},
                    {"method", service->full_name() + "/" + method.name()},
                    {"kind", KindOf(method)},
                    // Connect serves these over GET too (option idempotency_level).
                    {"idempotent", method.options().idempotency_level() ==
                                       pb::MethodOptions::NO_SIDE_EFFECTS},
                    {"request", method.input_type()->full_name()},
                    {"response", method.output_type()->full_name()}};
      Describe(entry, ContractComment(method));
      methods.push_back(std::move(entry));
      schemas.Add(*method.input_type());
      schemas.Add(*method.output_type());
    }
    Json entry = {{"name", service->full_name()}};
    Describe(entry, ContractComment(*service));
    entry["methods"] = std::move(methods);
    service_list.push_back(std::move(entry));
  }
  Json document = {{"protocolVersion", protocol_version},
                   {"services", std::move(service_list)},
                   {"schemas", schemas.Take()}};
  return document.dump(indent);
}

}  // namespace pipebridge::transcoding

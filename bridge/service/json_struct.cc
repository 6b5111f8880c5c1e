#include "bridge/service/json_struct.h"

#include <cmath>

namespace pipebridge::service {

nlohmann::json ValueToJson(const google::protobuf::Value& value) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kNullValue:
    case google::protobuf::Value::KIND_NOT_SET:
      return nullptr;
    case google::protobuf::Value::kNumberValue: {
      const double number = value.number_value();
      // 2^63 is exactly representable; anything at or beyond it is not an int64.
      if (std::isfinite(number) && std::trunc(number) == number && number >= -9223372036854775808.0 &&
          number < 9223372036854775808.0) {
        return static_cast<int64_t>(number);
      }
      return number;
    }
    case google::protobuf::Value::kStringValue:
      return value.string_value();
    case google::protobuf::Value::kBoolValue:
      return value.bool_value();
    case google::protobuf::Value::kStructValue:
      return StructToJson(value.struct_value());
    case google::protobuf::Value::kListValue:
      return ListToJson(value.list_value());
  }
  return nullptr;
}

nlohmann::json StructToJson(const google::protobuf::Struct& value) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, field] : value.fields()) out[key] = ValueToJson(field);
  return out;
}

nlohmann::json ListToJson(const google::protobuf::ListValue& value) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : value.values()) out.push_back(ValueToJson(item));
  return out;
}

void JsonToValue(const nlohmann::json& json, google::protobuf::Value* out) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      out->set_null_value(google::protobuf::NULL_VALUE);
      break;
    case nlohmann::json::value_t::boolean:
      out->set_bool_value(json.get<bool>());
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      out->set_number_value(json.get<double>());
      break;
    case nlohmann::json::value_t::string:
      out->set_string_value(json.get_ref<const std::string&>());
      break;
    case nlohmann::json::value_t::array:
      JsonToList(json, out->mutable_list_value());
      break;
    case nlohmann::json::value_t::object:
      JsonToStruct(json, out->mutable_struct_value());
      break;
    case nlohmann::json::value_t::binary:
      out->set_null_value(google::protobuf::NULL_VALUE);  // the core never produces binary
      break;
  }
}

void JsonToStruct(const nlohmann::json& json, google::protobuf::Struct* out) {
  out->Clear();
  if (!json.is_object()) return;
  auto* fields = out->mutable_fields();
  for (const auto& [key, value] : json.items()) JsonToValue(value, &(*fields)[key]);
}

void JsonToList(const nlohmann::json& json, google::protobuf::ListValue* out) {
  out->Clear();
  if (!json.is_array()) return;
  for (const auto& item : json) JsonToValue(item, out->add_values());
}

}  // namespace pipebridge::service

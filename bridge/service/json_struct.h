// google.protobuf.Struct / Value / ListValue <-> nlohmann::json, the core's value type.
// JSON has one number type and Struct carries every number as a double: whole numbers
// that fit an int64 come back to the core as integers, so ids and versions stay integers.
#pragma once

#include "google/protobuf/struct.pb.h"
#include "nlohmann/json.hpp"

namespace pipebridge::service {

nlohmann::json ValueToJson(const google::protobuf::Value& value);
nlohmann::json StructToJson(const google::protobuf::Struct& value);
nlohmann::json ListToJson(const google::protobuf::ListValue& value);

void JsonToValue(const nlohmann::json& json, google::protobuf::Value* out);
// `json` must be an object (anything else leaves `out` empty).
void JsonToStruct(const nlohmann::json& json, google::protobuf::Struct* out);
void JsonToList(const nlohmann::json& json, google::protobuf::ListValue* out);

}  // namespace pipebridge::service

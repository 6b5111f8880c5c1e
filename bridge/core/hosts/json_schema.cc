#include "bridge/core/hosts/json_schema.h"

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pipebridge::core::hosts {
namespace {

using nlohmann::json;

const char* TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "unknown";
  }
}

bool IsIntegral(const json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  double d = value.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

bool HasType(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer") return IsIntegral(value);
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return false;
}

size_t CodePoints(const std::string& text) {
  size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string Short(const json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

bool IsTypeName(const std::string& name) {
  return name == "object" || name == "array" || name == "string" || name == "number" ||
         name == "integer" || name == "boolean" || name == "null";
}

}  // namespace

absl::Status ValidateJson(const json& schema, const json& value, const std::string& path) {
  if (schema.is_boolean()) {
    if (schema.get<bool>()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(path, ": no value is allowed here"));
  }
  if (!schema.is_object()) return absl::OkStatus();

  if (auto it = schema.find("type"); it != schema.end()) {
    std::vector<std::string> types;
    if (it->is_string()) types.push_back(it->get<std::string>());
    if (it->is_array()) {
      for (const auto& t : *it) {
        if (t.is_string()) types.push_back(t.get<std::string>());
      }
    }
    bool matched = false;
    for (const auto& type : types) matched = matched || HasType(value, type);
    if (!types.empty() && !matched) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": expected ", absl::StrJoin(types, " or "),
                                                     ", got ", TypeName(value)));
    }
  }
  if (auto it = schema.find("enum"); it != schema.end() && it->is_array()) {
    bool found = false;
    for (const auto& allowed : *it) found = found || allowed == value;
    if (!found) {
      std::vector<std::string> names;
      for (const auto& allowed : *it) names.push_back(Short(allowed));
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", Short(value), " is not one of ",
                                                     absl::StrJoin(names, ", ")));
    }
  }
  if (value.is_number()) {
    double number = value.get<double>();
    if (auto it = schema.find("minimum"); it != schema.end() && it->is_number() &&
                                          number < it->get<double>()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", Short(value), " is less than the minimum ", it->dump()));
    }
    if (auto it = schema.find("maximum"); it != schema.end() && it->is_number() &&
                                          number > it->get<double>()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", Short(value), " is greater than the maximum ", it->dump()));
    }
  }
  if (value.is_string()) {
    size_t length = CodePoints(value.get_ref<const std::string&>());
    if (auto it = schema.find("minLength"); it != schema.end() && it->is_number_integer() &&
                                            static_cast<int64_t>(length) < it->get<int64_t>()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": shorter than ", it->dump(),
                                                     " characters (", length, ")"));
    }
    if (auto it = schema.find("maxLength"); it != schema.end() && it->is_number_integer() &&
                                            static_cast<int64_t>(length) > it->get<int64_t>()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": longer than ", it->dump(),
                                                     " characters (", length, ")"));
    }
  }
  if (value.is_array()) {
    if (auto it = schema.find("items"); it != schema.end()) {
      for (size_t i = 0; i < value.size(); ++i) {
        absl::Status status = ValidateJson(*it, value[i], absl::StrCat(path, "[", i, "]"));
        if (!status.ok()) return status;
      }
    }
  }
  if (value.is_object()) {
    if (auto it = schema.find("required"); it != schema.end() && it->is_array()) {
      for (const auto& name : *it) {
        if (name.is_string() && !value.contains(name.get<std::string>())) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ".", name.get<std::string>(), ": required"));
        }
      }
    }
    const json* properties = nullptr;
    if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
      properties = &*it;
    }
    const json* additional = nullptr;
    if (auto it = schema.find("additionalProperties"); it != schema.end()) additional = &*it;
    for (const auto& [name, member] : value.items()) {
      const std::string member_path = absl::StrCat(path, ".", name);
      if (properties != nullptr) {
        if (auto p = properties->find(name); p != properties->end()) {
          absl::Status status = ValidateJson(*p, member, member_path);
          if (!status.ok()) return status;
          continue;
        }
      }
      if (additional == nullptr) continue;
      if (additional->is_boolean() && !additional->get<bool>()) {
        return absl::InvalidArgumentError(absl::StrCat(member_path, ": not allowed (no such argument)"));
      }
      absl::Status status = ValidateJson(*additional, member, member_path);
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSchema(const json& schema, const std::string& path) {
  if (schema.is_boolean()) return absl::OkStatus();
  if (!schema.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": a schema must be an object"));
  }
  auto bad = [&path](const char* keyword, const char* expected) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".", keyword, ": expected ", expected));
  };
  if (auto it = schema.find("type"); it != schema.end()) {
    bool ok = it->is_string() && IsTypeName(it->get<std::string>());
    if (it->is_array()) {
      ok = !it->empty();
      for (const auto& t : *it) ok = ok && t.is_string() && IsTypeName(t.get<std::string>());
    }
    if (!ok) return bad("type", "a JSON type name or a list of them");
  }
  if (auto it = schema.find("enum"); it != schema.end() && !it->is_array()) {
    return bad("enum", "an array");
  }
  for (const char* keyword : {"minimum", "maximum"}) {
    if (auto it = schema.find(keyword); it != schema.end() && !it->is_number()) {
      return bad(keyword, "a number");
    }
  }
  for (const char* keyword : {"minLength", "maxLength"}) {
    if (auto it = schema.find(keyword); it != schema.end() && !IsIntegral(*it)) {
      return bad(keyword, "an integer");
    }
  }
  if (auto it = schema.find("required"); it != schema.end()) {
    bool ok = it->is_array();
    if (ok) {
      for (const auto& name : *it) ok = ok && name.is_string();
    }
    if (!ok) return bad("required", "a list of property names");
  }
  if (auto it = schema.find("properties"); it != schema.end()) {
    if (!it->is_object()) return bad("properties", "an object");
    for (const auto& [name, sub] : it->items()) {
      absl::Status status = CheckSchema(sub, absl::StrCat(path, ".properties.", name));
      if (!status.ok()) return status;
    }
  }
  if (auto it = schema.find("items"); it != schema.end()) {
    absl::Status status = CheckSchema(*it, absl::StrCat(path, ".items"));
    if (!status.ok()) return status;
  }
  if (auto it = schema.find("additionalProperties"); it != schema.end()) {
    absl::Status status = CheckSchema(*it, absl::StrCat(path, ".additionalProperties"));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace pipebridge::core::hosts

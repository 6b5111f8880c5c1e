#include "bridge/core/entities/value_codec.h"

#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace pipebridge::core::entities {
namespace {

absl::Status Bad(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::Status Expected(absl::string_view path, absl::string_view expected, const nlohmann::json& got) {
  return Bad(path, absl::StrCat("expected ", expected, ", got ", DescribeJson(got)));
}

absl::StatusOr<std::string> ParseDate(const nlohmann::json& value, absl::string_view path) {
  if (!value.is_string()) return Expected(path, "a date \"YYYY-MM-DD\"", value);
  const std::string& text = value.get_ref<const std::string&>();
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) ||
      absl::FormatCivilTime(day) != text) {
    return Bad(path, absl::StrCat("expected a date \"YYYY-MM-DD\", got \"", text, "\""));
  }
  return text;
}

absl::StatusOr<std::string> ParseDateTime(const nlohmann::json& value, absl::string_view path) {
  if (!value.is_string()) {
    return Expected(path, "a date_time \"YYYY-MM-DDTHH:MM:SSZ\" (RFC 3339)", value);
  }
  const std::string& text = value.get_ref<const std::string&>();
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return Bad(path, absl::StrCat("expected a date_time \"YYYY-MM-DDTHH:MM:SSZ\" (RFC 3339), got \"",
                                  text, "\""));
  }
  return FormatDateTime(time);
}

// SQLite integers are 64-bit signed: a JSON unsigned beyond that range would come back
// negative, so it is refused rather than wrapped.
absl::Status CheckInt64(const nlohmann::json& value, absl::string_view path) {
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Bad(path, absl::StrCat("integer ", value.get<uint64_t>(),
                                  " is out of range (integers are 64-bit signed)"));
  }
  return absl::OkStatus();
}

// {"type", "id"}, built key by key: an initializer list copies every element once more.
nlohmann::json LinkJson(Link link) {
  nlohmann::json out = nlohmann::json::object();
  out["type"] = std::move(link.type);
  out["id"] = link.id;
  return out;
}

}  // namespace

std::string DescribeJson(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_float: return "a float";
    default: return "an integer";
  }
}

std::string FormatDateTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

std::string FormatDate(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d", time, absl::UTCTimeZone());
}

absl::StatusOr<Link> ParseLink(const nlohmann::json& value, const Schema& schema,
                               const FieldSchema* field, absl::string_view path) {
  constexpr absl::string_view kShape = "an entity link {\"type\":...,\"id\":...}";
  if (!value.is_object()) return Expected(path, kShape, value);
  auto type = value.find("type");
  auto id = value.find("id");
  if (type == value.end() || id == value.end()) return Expected(path, kShape, value);
  if (!type->is_string()) return Expected(absl::StrCat(path, ".type"), "an entity type name", *type);
  if (!id->is_number_integer()) return Expected(absl::StrCat(path, ".id"), "an integer id", *id);
  if (absl::Status range = CheckInt64(*id, absl::StrCat(path, ".id")); !range.ok()) return range;
  for (const auto& [key, unused] : value.items()) {
    if (key != "type" && key != "id" && key != "name") {
      return Bad(absl::StrCat(path, ".", key), "unknown key in an entity link");
    }
  }
  Link link{type->get<std::string>(), id->get<int64_t>()};
  if (schema.FindType(link.type) == nullptr) {
    return Bad(absl::StrCat(path, ".type"), absl::StrCat("unknown entity type \"", link.type, "\""));
  }
  if (field != nullptr && !field->AllowsLinkTo(link.type)) {
    return Bad(absl::StrCat(path, ".type"),
               absl::StrCat("field ", field->name, " cannot link to ", link.type));
  }
  if (link.id <= 0) return Bad(absl::StrCat(path, ".id"), "ids are positive");
  return link;
}

absl::StatusOr<nlohmann::json> NormalizeFieldValue(const FieldSchema& field,
                                                   const nlohmann::json& value,
                                                   const Schema& schema, absl::string_view path) {
  switch (field.type) {
    case FieldType::kText:
      if (value.is_null() || value.is_string()) return value;
      return Expected(path, "a string or null", value);
    case FieldType::kList:
      if (value.is_null()) return value;
      if (!value.is_string()) return Expected(path, "a string or null", value);
      if (!field.AllowsValue(value.get_ref<const std::string&>())) {
        std::string allowed;
        for (const std::string& v : field.valid_values) {
          absl::StrAppend(&allowed, allowed.empty() ? "" : ", ", v);
        }
        return Bad(path, absl::StrCat("\"", value.get<std::string>(), "\" is not a valid value of ",
                                      field.name, " (valid: ", allowed, ")"));
      }
      return value;
    case FieldType::kNumber:
      // As stored (a SQLite INTEGER): a JSON parser's unsigned becomes signed.
      if (value.is_number_integer()) {
        if (absl::Status range = CheckInt64(value, path); !range.ok()) return range;
        return nlohmann::json(value.get<int64_t>());
      }
      if (value.is_null()) return value;
      return Expected(path, "an integer or null", value);
    case FieldType::kFloat:
      if (value.is_null()) return value;
      if (value.is_number()) return nlohmann::json(value.get<double>());
      return Expected(path, "a number or null", value);
    case FieldType::kBool:
      if (value.is_null()) return nlohmann::json(false);
      if (value.is_boolean()) return value;
      return Expected(path, "true or false", value);
    case FieldType::kDate: {
      if (value.is_null()) return value;
      absl::StatusOr<std::string> date = ParseDate(value, path);
      if (!date.ok()) return date.status();
      return nlohmann::json(*date);
    }
    case FieldType::kDateTime: {
      if (value.is_null()) return value;
      absl::StatusOr<std::string> time = ParseDateTime(value, path);
      if (!time.ok()) return time.status();
      return nlohmann::json(*time);
    }
    case FieldType::kJson:
      return value;
    case FieldType::kEntity: {
      if (value.is_null()) return value;
      absl::StatusOr<Link> link = ParseLink(value, schema, &field, path);
      if (!link.ok()) return link.status();
      return LinkJson(std::move(*link));
    }
    case FieldType::kMultiEntity: {
      if (value.is_null()) return nlohmann::json::array();
      if (!value.is_array()) return Expected(path, "a list of entity links", value);
      nlohmann::json out = nlohmann::json::array();
      for (size_t i = 0; i < value.size(); ++i) {
        absl::StatusOr<Link> link = ParseLink(value[i], schema, &field, absl::StrCat(path, "[", i, "]"));
        if (!link.ok()) return link.status();
        nlohmann::json normalized = LinkJson(std::move(*link));
        bool duplicate = false;
        for (const auto& seen : out) duplicate = duplicate || seen == normalized;
        if (!duplicate) out.push_back(std::move(normalized));
      }
      return out;
    }
  }
  return value;
}

absl::StatusOr<sqlite::Value> FilterScalar(const FieldSchema& field, const nlohmann::json& value,
                                           absl::string_view path) {
  switch (field.type) {
    case FieldType::kText:
    case FieldType::kList:
      if (value.is_string()) return sqlite::Value(value.get<std::string>());
      return Expected(path, "a string", value);
    case FieldType::kNumber:
      if (value.is_number_integer()) {
        if (absl::Status range = CheckInt64(value, path); !range.ok()) return range;
        return sqlite::Value(value.get<int64_t>());
      }
      return Expected(path, "an integer", value);
    case FieldType::kFloat:
      if (value.is_number()) return sqlite::Value(value.get<double>());
      return Expected(path, "a number", value);
    case FieldType::kBool:
      if (value.is_boolean()) return sqlite::Value(int64_t{value.get<bool>() ? 1 : 0});
      return Expected(path, "true or false", value);
    case FieldType::kDate: {
      absl::StatusOr<std::string> date = ParseDate(value, path);
      if (!date.ok()) return date.status();
      return sqlite::Value(*date);
    }
    case FieldType::kDateTime: {
      absl::StatusOr<std::string> time = ParseDateTime(value, path);
      if (!time.ok()) return time.status();
      return sqlite::Value(*time);
    }
    default:
      return Bad(path, absl::StrCat("cannot compare a ", FieldTypeName(field.type), " field with a value"));
  }
}

sqlite::Value ScalarToSql(const FieldSchema& field, const nlohmann::json& normalized) {
  if (normalized.is_null()) return std::monostate{};
  switch (field.type) {
    case FieldType::kNumber:
      return normalized.get<int64_t>();
    case FieldType::kFloat:
      return normalized.get<double>();
    case FieldType::kBool:
      return int64_t{normalized.get<bool>() ? 1 : 0};
    case FieldType::kJson:
      return normalized.dump();
    default:
      return normalized.get<std::string>();
  }
}

nlohmann::json ScalarFromSql(const FieldSchema& field, const sqlite::Statement& row, int column) {
  if (field.type == FieldType::kBool) return !row.IsNull(column) && row.Int(column) != 0;
  if (row.IsNull(column)) return nullptr;
  switch (field.type) {
    case FieldType::kNumber:
      return row.Int(column);
    case FieldType::kFloat:
      return row.Double(column);
    case FieldType::kJson:
      return nlohmann::json::parse(row.Text(column), nullptr, /*allow_exceptions=*/false);
    default:
      return std::string(row.Text(column));
  }
}

}  // namespace pipebridge::core::entities

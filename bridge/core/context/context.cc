#include "bridge/core/context/context.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::context {
namespace {

// Versioned so that a context written today still reads after the format grows.
constexpr char kSerializedPrefix[] = "pbctx1:";

const char* const kMembers[] = {"project", "entity", "step", "task", "user"};

nlohmann::json* Member(Context& context, const std::string& name) {
  if (name == "project") return &context.project;
  if (name == "entity") return &context.entity;
  if (name == "step") return &context.step;
  if (name == "task") return &context.task;
  return &context.user;
}

const nlohmann::json& Member(const Context& context, const std::string& name) {
  return *Member(const_cast<Context&>(context), name);
}

}  // namespace

std::vector<nlohmann::json> Context::Links() const {
  std::vector<nlohmann::json> links;
  for (const char* name : kMembers) {
    const auto& link = Member(*this, name);
    if (!link.is_null()) links.push_back(link);
  }
  links.insert(links.end(), additional_entities.begin(), additional_entities.end());
  return links;
}

absl::Status ValidateLink(const nlohmann::json& link, const std::string& where) {
  if (!link.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": expected an entity link {\"type\":...,\"id\":...}"));
  }
  auto type = link.find("type");
  if (type == link.end() || !type->is_string() || type->get_ref<const std::string&>().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ".type: expected an entity type name"));
  }
  auto id = link.find("id");
  if (id == link.end() || !id->is_number_integer() || id->get<int64_t>() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(where, ".id: expected a positive integer id"));
  }
  return absl::OkStatus();
}

nlohmann::json ContextToJson(const Context& context) {
  nlohmann::json json = nlohmann::json::object();
  for (const char* name : kMembers) {
    const auto& link = Member(context, name);
    if (!link.is_null()) json[name] = link;
  }
  if (!context.additional_entities.empty()) json["additional_entities"] = context.additional_entities;
  return json;
}

absl::StatusOr<Context> ContextFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return absl::InvalidArgumentError("context: expected an object");
  Context context;
  for (const auto& [key, value] : json.items()) {
    const std::string where = absl::StrCat("context.", key);
    if (key == "additional_entities") {
      if (!value.is_array()) return absl::InvalidArgumentError(absl::StrCat(where, ": expected a list of links"));
      for (size_t i = 0; i < value.size(); ++i) {
        PB_RETURN_IF_ERROR(ValidateLink(value[i], absl::StrCat(where, "[", i, "]")));
        context.additional_entities.push_back(value[i]);
      }
      continue;
    }
    bool known = false;
    for (const char* name : kMembers) known = known || key == name;
    if (!known) return absl::InvalidArgumentError(absl::StrCat(where, ": unknown context member"));
    if (value.is_null()) continue;
    PB_RETURN_IF_ERROR(ValidateLink(value, where));
    *Member(context, key) = value;
  }
  return context;
}

std::string SerializeContext(const Context& context) {
  return absl::StrCat(kSerializedPrefix, absl::WebSafeBase64Escape(ContextToJson(context).dump()));
}

absl::StatusOr<Context> DeserializeContext(const std::string& text) {
  if (!absl::StartsWith(text, kSerializedPrefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat("serialized: not a serialized context (it starts with \"", kSerializedPrefix, "\")"));
  }
  std::string json_text;
  if (!absl::WebSafeBase64Unescape(text.substr(sizeof(kSerializedPrefix) - 1), &json_text)) {
    return absl::InvalidArgumentError("serialized: damaged (invalid base64)");
  }
  auto json = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return absl::InvalidArgumentError("serialized: damaged (invalid JSON)");
  return ContextFromJson(json);
}

}  // namespace pipebridge::core::context

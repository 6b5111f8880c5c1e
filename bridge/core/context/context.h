// Where an artist is working: project, entity, step, task, user, plus further entities
// (a Shot's Sequence). Links are ShotGrid-shaped JSON: {"type": "Shot", "id": 42, "name": "sh010"}.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::context {

struct Context {
  // Each a link object, or null when unset.
  nlohmann::json project;
  nlohmann::json entity;
  nlohmann::json step;
  nlohmann::json task;
  nlohmann::json user;
  std::vector<nlohmann::json> additional_entities;

  // Every link set, in the order project, entity, step, task, user, additional.
  std::vector<nlohmann::json> Links() const;
  bool empty() const { return Links().empty(); }
};

// {"project": {...}, "entity": {...}, ...}: unset members are left out.
nlohmann::json ContextToJson(const Context& context);
// INVALID_ARGUMENT naming the member ("context.entity: ...") for a malformed link.
absl::StatusOr<Context> ContextFromJson(const nlohmann::json& json);

// One opaque string for environment variables and file metadata, and back.
std::string SerializeContext(const Context& context);
// INVALID_ARGUMENT "serialized: ..." when the text is not a serialized context.
absl::StatusOr<Context> DeserializeContext(const std::string& text);

// INVALID_ARGUMENT naming `where` unless `link` is {"type": non-empty string, "id": positive integer}.
absl::Status ValidateLink(const nlohmann::json& link, const std::string& where);

}  // namespace pipebridge::core::context

// The JSON Schema subset the bridge checks command arguments against before a host sees
// them: type (one name or a list), properties, required, additionalProperties (false or a
// schema), items, enum, minimum/maximum, minLength/maxLength. Other keywords are ignored,
// so a host may declare richer schemas; it gets at least these guarantees.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::hosts {

// OK when `value` satisfies `schema`; INVALID_ARGUMENT naming the first offending place,
// e.g. "args.layers[2]: expected string, got number". `path` names `value` ("args").
absl::Status ValidateJson(const nlohmann::json& schema, const nlohmann::json& value,
                          const std::string& path);

// OK when `schema` is a schema this subset can use (an object whose keywords it reads have
// the right shapes); INVALID_ARGUMENT naming the keyword otherwise. `path` names the schema.
absl::Status CheckSchema(const nlohmann::json& schema, const std::string& path);

}  // namespace pipebridge::core::hosts

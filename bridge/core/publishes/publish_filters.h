// Publish field names (as in the proto) -> PublishedFile fields, for Find's
// filters and order. The structure of the filters is kept, so the entity
// store's error paths (`filters[2][1]`) still point into the caller's request.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/entities/entity_requests.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::publishes {

// Publish fields: id, name, publish_type, version, path, description,
// checksum, size_bytes, template, created_by (login), created_at, source_host,
// frame_range.first, frame_range.last, and the links project, entity, step,
// task, user (which may be dotted: "entity.Shot.code").
// metadata.<key>[.<key>...] names a value inside the metadata object.
// INVALID_ARGUMENT `<path>: unknown publish field "x"`.
absl::StatusOr<std::string> PublishedFileField(const std::string& publish_field, const std::string& path);

// Filters (a list, or a {"filter_operator","filters"} group) with every field
// name mapped. Shape errors are left to the entity store's compiler.
absl::StatusOr<nlohmann::json> TranslateFilters(const nlohmann::json& filters, const std::string& path = "filters");

}  // namespace pipebridge::core::publishes

// Find: one SELECT with joins for dotted fields, compiled filters, order and
// paging, then RecordReader completion. With a filter on a linked record, or
// two filters an index could each answer, small index-only counts first
// choose the table and index it reads first (join_order.h). Runs on whatever connection it is given (a pooled reader,
// or the writer inside a transaction).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridge/core/entities/entity_requests.h"
#include "bridge/core/entities/entity_schema.h"
#include "bridge/core/sqlite/connection.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

struct FindOptions {
  absl::Time now;            // Anchor of in_last/in_next.
  std::string path_prefix;   // Prepended to error paths ("requests[2].").
  bool with_names = true;    // Add "name" to links.
  std::string fields_path = "fields";
};

// Looks up the type by name: INVALID_ARGUMENT `entity_type: unknown entity type "Shott"`.
absl::StatusOr<const EntityTypeSchema*> LookupType(const Schema& schema, const std::string& name,
                                                   const std::string& path_prefix);

// A "retired" condition on alias t for `mode` ("" when none).
std::string RetiredCondition(RetiredMode mode);

absl::StatusOr<std::vector<nlohmann::json>> RunFind(sqlite::Connection& connection,
                                                    const Schema& schema,
                                                    const FindRequest& request,
                                                    const FindOptions& options);

// SQLite's plan for the SELECT that RunFind would run, one EXPLAIN QUERY PLAN
// line ("SEARCH t USING INDEX ...") per entry, for tests and diagnostics.
absl::StatusOr<std::vector<std::string>> ExplainFind(sqlite::Connection& connection,
                                                     const Schema& schema,
                                                     const FindRequest& request,
                                                     const FindOptions& options);

}  // namespace pipebridge::core::entities

// Selects and decodes entity records: the SELECT list for the requested
// fields, row -> ShotGrid-shaped JSON, then multi_entity values and link
// names filled in with a few set-based queries (never one query per row).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/entities/field_resolver.h"
#include "bridge/core/sqlite/connection.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

class RecordReader {
 public:
  explicit RecordReader(FieldResolver& resolver) : resolver_(resolver) {}

  // Adds output fields; "*" adds every field of the type. `path` names the
  // list in the request ("fields", "return_fields").
  absl::Status AddFields(const std::vector<std::string>& fields, const std::string& path);
  void AddAllFields();

  // "t."id", t."f_code", ..." (column 0 is always the id).
  std::string SelectList() const;
  nlohmann::json Decode(const sqlite::Statement& row) const;
  // Adds multi_entity values and, when `with_names`, "name" to every link.
  absl::Status Complete(sqlite::Connection& connection, std::vector<nlohmann::json>& records,
                        bool with_names = true) const;

 private:
  struct Output {
    std::string key;
    ColumnRef ref;
    int column = 0;  // First result column; -1 for multi_entity.
  };
  absl::Status AddOne(const std::string& name, const std::string& path);

  FieldResolver& resolver_;
  std::vector<Output> outputs_;
  int next_column_ = 1;
};

// Adds "name" to each {"type","id"} link among `links` (pointers into records).
absl::Status FillLinkNames(sqlite::Connection& connection, const Schema& schema,
                           const std::vector<nlohmann::json*>& links);

}  // namespace pipebridge::core::entities

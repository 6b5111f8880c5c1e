// Resolves field names, including ShotGrid dotted paths through single-entity
// links ("entity.Shot.sg_sequence.Sequence.code"), to SQL column references,
// collecting the LEFT JOINs they need. One resolver per query.
#pragma once

#include <map>
#include <string>
#include <vector>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "bridge/core/entities/entity_schema.h"

namespace pipebridge::core::entities {

struct ColumnRef {
  std::string alias;                       // "t" for the queried type, "j1"... for joins
  const EntityTypeSchema* owner = nullptr;  // Type of `alias`
  const FieldSchema* field = nullptr;
  bool dotted = false;
  // Keys into a json field ("metadata.renderer" -> {"renderer"}); empty for the field itself.
  std::vector<std::string> json_keys;

  std::string Scalar() const;    // t."f_code" / t."id"
  std::string LinkType() const;  // t."lt_entity"
  std::string LinkId() const;    // t."li_entity"
  std::string Id() const;        // t."id"
  // json_extract(t."f_metadata", '$."renderer"'): the value at json_keys.
  std::string JsonValue() const;
};

class FieldResolver {
 public:
  FieldResolver(const Schema& schema, const EntityTypeSchema& root);

  // `name` is a field of the root type or a dotted path: links followed as
  // link_field.Type.field, and keys into a json field as json_field.key.key.
  // `path` locates it in the request for errors: `filters[0][0]: unknown field
  // "foo" on Shot`.
  absl::StatusOr<ColumnRef> Resolve(absl::string_view name, absl::string_view path);

  // "e_Shot" AS t LEFT JOIN ... for every join resolved so far.
  std::string FromClause() const;

  const Schema& schema() const { return schema_; }
  const EntityTypeSchema& root() const { return root_; }

 private:
  const Schema& schema_;
  const EntityTypeSchema& root_;
  std::map<std::string, std::string> join_alias_;  // "t.sg_sequence.Sequence" -> "j1"
  std::string joins_;
};

}  // namespace pipebridge::core::entities

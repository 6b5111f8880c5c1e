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
  // For a dotted ref: the alias whose link was followed last to reach `alias`
  // ("t" when one link away) and that link field.
  std::string via_alias;
  const FieldSchema* via_link = nullptr;
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

  // "e_Shot" AS t LEFT JOIN ... for every join resolved so far; with
  // `root_index` (quoted), "e_Shot" AS t INDEXED BY "x_Shot_code" LEFT JOIN ...
  std::string FromClause(absl::string_view root_index = "") const;
  // The same rows read from the linked table first: `"e_Sequence" AS j1
  // CROSS JOIN "e_Shot" AS t ON ... LEFT JOIN ...` (SQLite keeps the order of
  // a CROSS JOIN). `alias` must be a join one link away from the root, and a
  // filter every row must pass must require it (an inner join then equals the
  // LEFT JOIN).
  std::string FromClauseDrivenBy(const std::string& alias) const;

  const Schema& schema() const { return schema_; }
  const EntityTypeSchema& root() const { return root_; }

 private:
  const Schema& schema_;
  const EntityTypeSchema& root_;
  struct Join {
    std::string alias;  // "j1"
    std::string table;  // "e_Sequence" (quoted)
    std::string on;     // j1."id" = t."li_sg_sequence" AND t."lt_sg_sequence" = 'Sequence'
  };
  std::map<std::string, std::string> join_alias_;  // "t.sg_sequence.Sequence" -> "j1"
  std::vector<Join> joins_;                        // In the order resolved: parents first.
};

}  // namespace pipebridge::core::entities

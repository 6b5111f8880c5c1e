// Which table, and which index, a Find with a filter on a linked record, or
// with two filters an index could each answer, reads first.
//
// ["sg_sequence.Sequence.code", "is", "sq7"] with ["project", "is", P]: SQLite,
// without statistics, rates "project = P" as selective as any equality and
// reads every Shot of the project, probing each one's Sequence (10,000 rows
// for 428 results on the 100k-shot bench). Reading the few Sequences coded
// "sq7" first and seeking their Shots in the (link, type, project) index reads
// only the rows that can match. But that order loses when the linked filter
// matches many records and an own filter few (["code", "is", "sh4221"]), and
// there SQLite may also read the project's rows, rating the (project) and
// (project, code) indexes alike. Without a linked filter the same gamble is
// ["project", "is", P] with ["code", "in", [five codes]]: SQLite prices the
// list at ~25 values and reads the project's 10,000 rows, not the code index.
//
// So the order is chosen from the data, by bounded index-only counts of the
// filters every row must pass (filter_compiler.h, Conjunct):
// 1. An own filter that matches at most kFewRows rows: read by its index (the
//    one matching fewest; its (project, field) index when the project is
//    filtered too).
// 2. Else a linked filter that matches at most kFewRows linked records, linked
//    from at most kMaxDrivenRows rows (of the filtered project, when there is
//    one): read that table first (the fewest rows wins).
// 3. Else SQLite's own choice, as before.
// Either forced plan reads at most that many rows whatever the other filters.
// The counts read at most kFewRows + 1 index entries per own filter (fewer
// once one has matched fewer rows: each stops at the fewest so far), and
// kFewRows + 1 + kMaxDrivenRows + 1 per linked one.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "bridge/core/entities/entity_schema.h"
#include "bridge/core/entities/filter_compiler.h"
#include "bridge/core/sqlite/connection.h"

namespace pipebridge::core::entities {

inline constexpr int64_t kFewRows = 64;
inline constexpr int64_t kMaxDrivenRows = 1000;

struct JoinOrder {
  std::string driving_join;  // The linked record's join to read first ("j1"), or "".
  std::string root_index;    // The index to read the root by ("x_Shot_code", quoted), or "".
};

// Both empty: SQLite chooses. `root` is the type found; `where` its filters.
absl::StatusOr<JoinOrder> ChooseJoinOrder(sqlite::Connection& connection, const EntityTypeSchema& root,
                                          const SqlCondition& where);

}  // namespace pipebridge::core::entities

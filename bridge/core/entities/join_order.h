// Which table a Find reads first when a filter is on a linked record.
//
// ["sg_sequence.Sequence.code", "is", "sq7"] with ["project", "is", P]: SQLite,
// without statistics, rates "project = P" as selective as any equality and
// reads every Shot of the project, probing each one's Sequence (10,000 rows
// for 428 results on the 100k-shot bench). Reading the few Sequences coded
// "sq7" first and seeking their Shots in the (link, type, project) index reads
// only the rows that can match. But the same order is a loss when the linked
// filter matches many records and an own filter few (code is "sh4221").
//
// So the choice is made from the data, with two bounded index-only counts:
// drive from the linked table when its filter matches at most
// kMaxDrivingRecords records *and* those are linked from at most
// kMaxDrivenRows rows (in the filtered project, when there is one). The
// linked-first plan then costs at most that many row reads, whatever the
// other filters; otherwise SQLite chooses as before. Cost of the check: one
// statement that reads at most kMaxDrivingRecords + 1 + kMaxDrivenRows + 1
// index entries.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "bridge/core/entities/entity_schema.h"
#include "bridge/core/entities/filter_compiler.h"
#include "bridge/core/sqlite/connection.h"

namespace pipebridge::core::entities {

inline constexpr int64_t kMaxDrivingRecords = 64;
inline constexpr int64_t kMaxDrivenRows = 1000;

// The alias of the join to read first (a LinkedConjunct's), or "" to leave
// the order to SQLite. `root` is the type found; `where` its compiled filters.
absl::StatusOr<std::string> ChooseDrivingJoin(sqlite::Connection& connection, const EntityTypeSchema& root,
                                              const SqlCondition& where);

}  // namespace pipebridge::core::entities

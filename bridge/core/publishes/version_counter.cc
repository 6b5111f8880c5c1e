#include "bridge/core/publishes/version_counter.h"

#include "bridge/core/status_macros.h"

namespace pipebridge::core::publishes {

namespace {

void BindScope(sqlite::Statement& statement, const VersionScope& scope) {
  statement.BindText(1, scope.entity_type);
  statement.BindInt(2, scope.entity_id);
  statement.BindInt(3, scope.task_id);
  statement.BindText(4, scope.name);
  statement.BindText(5, scope.publish_type);
}

}  // namespace

absl::StatusOr<int64_t> ReserveNextVersion(sqlite::Connection& connection, const VersionScope& scope) {
  // Read, then write: the caller's write transaction keeps every other writer out in
  // between. One upsert ... RETURNING would do both, but SQLite builds an ephemeral table
  // for each RETURNING statement it runs, which cost more than the read and the write.
  int64_t last = 0;
  {
    PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                        connection.Prepare("SELECT last_version FROM pb_publish_versions WHERE entity_type = ?1 "
                                           "AND entity_id = ?2 AND task_id = ?3 AND name = ?4 AND publish_type = ?5"));
    BindScope(statement, scope);
    PB_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (row) last = statement.Int(0);
  }
  PB_RETURN_IF_ERROR(RaiseVersionCounter(connection, scope, last + 1));
  return last + 1;
}

absl::Status RaiseVersionCounter(sqlite::Connection& connection, const VersionScope& scope, int64_t version) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                      connection.Prepare("INSERT INTO pb_publish_versions "
                                         "(entity_type, entity_id, task_id, name, publish_type, last_version) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                         "ON CONFLICT (entity_type, entity_id, task_id, name, publish_type) "
                                         "DO UPDATE SET last_version = MAX(last_version, excluded.last_version)"));
  BindScope(statement, scope);
  statement.BindInt(6, version);
  return statement.Run();
}

absl::StatusOr<int64_t> PublishWithVersion(sqlite::Connection& connection, const VersionScope& scope,
                                           int64_t version) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                      connection.Prepare("SELECT id FROM pb_publishes WHERE entity_type = ?1 AND entity_id = ?2 "
                                         "AND task_id = ?3 AND name = ?4 AND publish_type = ?5 AND version = ?6"));
  BindScope(statement, scope);
  statement.BindInt(6, version);
  PB_ASSIGN_OR_RETURN(bool row, statement.Step());
  return row ? statement.Int(0) : 0;
}

}  // namespace pipebridge::core::publishes

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
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                      connection.Prepare("INSERT INTO pb_publish_versions "
                                         "(entity_type, entity_id, task_id, name, publish_type, last_version) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, 1) "
                                         "ON CONFLICT (entity_type, entity_id, task_id, name, publish_type) "
                                         "DO UPDATE SET last_version = last_version + 1 "
                                         "RETURNING last_version"));
  BindScope(statement, scope);
  PB_ASSIGN_OR_RETURN(bool row, statement.Step());
  if (!row) return absl::InternalError("version reservation returned no row");
  const int64_t version = statement.Int(0);
  PB_ASSIGN_OR_RETURN(row, statement.Step());  // Finish the statement.
  return version;
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

#include "bridge/core/publishes/publish_tables.h"

namespace pipebridge::core::publishes {

absl::Status CreatePublishTables(sqlite::Connection& connection) {
  return connection.Execute(R"sql(
CREATE TABLE IF NOT EXISTS pb_publishes (
  id INTEGER PRIMARY KEY,
  entity_type TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  task_id INTEGER NOT NULL,
  step_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  publish_type TEXT NOT NULL,
  version INTEGER NOT NULL,
  path TEXT NOT NULL UNIQUE
);
CREATE UNIQUE INDEX IF NOT EXISTS pb_publishes_version_key
  ON pb_publishes (entity_type, entity_id, task_id, name, publish_type, version);
CREATE INDEX IF NOT EXISTS pb_publishes_latest
  ON pb_publishes (entity_type, entity_id, name, publish_type, version);
CREATE TABLE IF NOT EXISTS pb_publish_dependencies (
  publish_id INTEGER NOT NULL,
  upstream_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (publish_id, upstream_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pb_publish_dependents
  ON pb_publish_dependencies (upstream_id, publish_id);
CREATE TABLE IF NOT EXISTS pb_publish_versions (
  entity_type TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  task_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  publish_type TEXT NOT NULL,
  last_version INTEGER NOT NULL,
  PRIMARY KEY (entity_type, entity_id, task_id, name, publish_type)
) WITHOUT ROWID;
)sql");
}

}  // namespace pipebridge::core::publishes

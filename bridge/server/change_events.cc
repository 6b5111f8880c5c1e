#include "bridge/server/change_events.h"

#include "absl/strings/str_cat.h"

namespace pipebridge::server {

namespace entities = core::entities;
namespace events = core::events;

events::EventDraft ChangeToEvent(const entities::ChangeRecord& change, const events::ProjectRef& project) {
  events::EventDraft draft;
  if (change.entity_type == "PublishedFile" && change.operation == entities::ChangeOperation::kCreate) {
    draft.topic = "publish.created";
  } else {
    absl::string_view verb;
    switch (change.operation) {
      case entities::ChangeOperation::kCreate: verb = "created"; break;
      case entities::ChangeOperation::kUpdate: verb = "updated"; break;
      case entities::ChangeOperation::kRetire: verb = "retired"; break;
      case entities::ChangeOperation::kRevive: verb = "revived"; break;
    }
    draft.topic = absl::StrCat("entity.", change.entity_type, ".", verb);
  }
  // Built key by key: a braced initializer list copies every value once more, and this runs
  // inside the write transaction of every change.
  nlohmann::json changes = nlohmann::json::object();
  for (const auto& field : change.changes) {
    nlohmann::json& values = changes[field.field];
    values["old"] = field.old_value;
    values["new"] = field.new_value;
  }
  nlohmann::json entity = nlohmann::json::object();
  entity["type"] = change.entity_type;
  entity["id"] = change.id;
  draft.payload = nlohmann::json::object();
  draft.payload["entity"] = std::move(entity);
  draft.payload["changes"] = std::move(changes);
  draft.project = project;
  return draft;
}

entities::ChangeListener MakeChangeEventListener(events::EventLog& log, const events::ProjectRef& project) {
  return [&log, &project](core::sqlite::Transaction& txn, const entities::ChangeRecord& change) {
    return log.Append(txn, ChangeToEvent(change, project)).status();
  };
}

}  // namespace pipebridge::server

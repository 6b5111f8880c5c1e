// Every change of the entity store becomes exactly one event, appended in the change's
// own transaction: no change without its event, no event without its change.
#pragma once

#include "bridge/core/entities/change.h"
#include "bridge/core/events/event_log.h"

namespace pipebridge::server {

// Topic "entity.<Type>.<created|updated|retired|revived>", or "publish.created" for a new
// PublishedFile; payload {"entity": {"type", "id"}, "changes": {field: {"old", "new"}}}.
core::events::EventDraft ChangeToEvent(const core::entities::ChangeRecord& change,
                                       const core::events::ProjectRef& project);

// A store change listener appending ChangeToEvent(change) to `log`; both must outlive it.
core::entities::ChangeListener MakeChangeEventListener(core::events::EventLog& log,
                                                       const core::events::ProjectRef& project);

}  // namespace pipebridge::server

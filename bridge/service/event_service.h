// Handlers of pipebridge.v1.EventService over the durable event log.
#pragma once

#include "absl/status/status.h"
#include "bridge/core/events/event_log.h"
#include "bridge/rpc/method_table.h"
#include "bridge/service/task_runner.h"
#include "pipebridge/v1/events.pb.h"

namespace pipebridge::service {

// `log`, `project` and `runner` must outlive the table. Custom events are stamped with
// `project`; subscriptions are pumped on `runner`.
absl::Status RegisterEventService(rpc::MethodTable& table, core::events::EventLog& log,
                                  const core::events::ProjectRef& project, TaskRunner& runner);

void EventToProto(const core::events::Event& event, v1::Event* out);

}  // namespace pipebridge::service

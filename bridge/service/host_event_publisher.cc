#include "bridge/service/host_event_publisher.h"

namespace pipebridge::service {

namespace hosts = core::hosts;
using nlohmann::json;

void HostEventPublisher::Publish(core::events::EventDraft draft) {
  runner_.Post([this, draft = std::move(draft)]() mutable {
    // A failed append (disk full, closed store) loses this event only; the invocation
    // itself already completed, so there is no one to report it to.
    (void)log_.Publish(std::move(draft));
  });
}

void HostEventPublisher::OnAttached(const hosts::HostRecord& host) {
  core::events::EventDraft draft;
  draft.topic = "host.attached";
  draft.user = host.info.user;
  draft.source_host = host.id;
  json commands = json::array();
  for (const auto& command : host.commands) commands.push_back(command.name);
  draft.payload = {{"host_id", host.id},
                   {"application", host.info.application},
                   {"application_version", host.info.application_version},
                   {"pid", host.info.pid},
                   {"session_id", host.info.session_id},
                   {"display_name", host.info.display_name},
                   {"commands", std::move(commands)}};
  Publish(std::move(draft));
}

void HostEventPublisher::OnDetached(const hosts::HostRecord& host, const std::string& reason) {
  core::events::EventDraft draft;
  draft.topic = "host.detached";
  draft.user = host.info.user;
  draft.source_host = host.id;
  draft.payload = {{"host_id", host.id},
                   {"application", host.info.application},
                   {"pid", host.info.pid},
                   {"reason", reason}};
  Publish(std::move(draft));
}

void HostEventPublisher::OnInvocationFinished(const hosts::InvocationReport& report) {
  core::events::EventDraft draft;
  draft.topic = report.status.ok() ? "host.invocation.completed" : "host.invocation.failed";
  draft.user = report.user;
  draft.source_host = report.host_id;
  draft.payload = {{"invocation_id", report.invocation_id},
                   {"host_id", report.host_id},
                   {"application", report.application},
                   {"command", report.command},
                   {"caller_host", report.caller_host},
                   {"duration_ms", absl::ToDoubleMilliseconds(report.duration)}};
  if (!report.status.ok()) {
    draft.payload["status"] = absl::StatusCodeToString(report.status.code());
    draft.payload["message"] = std::string(report.status.message());
  }
  Publish(std::move(draft));
}

}  // namespace pipebridge::service

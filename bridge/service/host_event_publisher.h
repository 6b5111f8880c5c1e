// Turns the registry's attaches, detaches and invocation outcomes into events of the
// durable log (topics host.attached, host.detached, host.invocation.completed and
// host.invocation.failed; source_host is the host's id). Appends run on a worker thread of
// their own, in the order the registry reported them: a SQLite write never delays an
// invocation's round trip or blocks a transport thread.
#pragma once

#include "bridge/core/events/event_log.h"
#include "bridge/core/hosts/host_registry.h"
#include "bridge/service/task_runner.h"

namespace pipebridge::service {

class HostEventPublisher : public core::hosts::HostRegistryListener {
 public:
  // `log` must outlive this publisher.
  explicit HostEventPublisher(core::events::EventLog& log) : log_(log) {}
  // Appends what is still queued, then returns.
  ~HostEventPublisher() override = default;

  void OnAttached(const core::hosts::HostRecord& host) override;
  void OnDetached(const core::hosts::HostRecord& host, const std::string& reason) override;
  void OnInvocationFinished(const core::hosts::InvocationReport& report) override;

 private:
  void Publish(core::events::EventDraft draft);

  core::events::EventLog& log_;
  TaskRunner runner_{1};  // one thread: events keep the registry's order
};

}  // namespace pipebridge::service

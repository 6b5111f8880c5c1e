// Handlers of pipebridge.v1.HostService over core::hosts::HostRegistry: hosts attach on a
// bidi stream and receive invocations on it; callers Invoke (unary, within the call's
// deadline) or InvokeStream (progress, then the result). No handler ever waits for a host:
// every invocation completes asynchronously, so a host may invoke another host (or the one
// that invoked it) from inside a command and both complete.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bridge/core/events/event_log.h"
#include "bridge/core/hosts/host_registry.h"
#include "bridge/rpc/method_table.h"
#include "pipebridge/v1/hosts.pb.h"

namespace pipebridge::service {

struct HostServiceOptions {
  // The deadline of an InvokeStream call that names none (streams get none by default).
  absl::Duration stream_default_timeout = absl::Minutes(10);
  // Progress messages an InvokeStream caller may fall behind by; past it the oldest queued
  // progress is dropped (never the result).
  size_t max_queued_progress = 64;
};

// Registers Attach, ListHosts, Invoke and InvokeStream. `registry` must outlive the table.
// When `events` is set, attaches, detaches and every invocation's outcome are published to
// it (topics host.attached, host.detached, host.invocation.completed / .failed, source_host
// the host id) from a worker the registry owns: `events` must outlive `registry`.
absl::Status RegisterHostService(rpc::MethodTable& table, core::hosts::HostRegistry& registry,
                                 core::events::EventLog* events, HostServiceOptions options = {});

void HostToProto(const core::hosts::HostRecord& host, v1::Host* out);

}  // namespace pipebridge::service

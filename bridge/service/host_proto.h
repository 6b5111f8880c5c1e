// HostService messages <-> core::hosts values.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bridge/core/hosts/host_registry.h"
#include "google/protobuf/timestamp.pb.h"
#include "pipebridge/v1/hosts.pb.h"

namespace pipebridge::service {

core::hosts::HostInfo HostInfoFromProto(const v1::HostHello& hello);
std::vector<core::hosts::CommandSpec> CommandsFromProto(
    const google::protobuf::RepeatedPtrField<v1::Command>& commands);
core::hosts::HostSelector SelectorFromProto(const v1::HostSelector& selector);
void InvocationToProto(const core::hosts::Invocation& invocation, v1::Invocation* out);
core::hosts::InvocationProgress ProgressFromProto(const v1::InvocationProgress& progress);
void ProgressToProto(const core::hosts::InvocationProgress& progress, v1::InvocationProgress* out);
// The host's error as a status: its code (UNKNOWN when not a valid error code) and message.
absl::Status HostErrorToStatus(const v1::HostError& error);
void TimeToProto(absl::Time time, google::protobuf::Timestamp* out);

}  // namespace pipebridge::service

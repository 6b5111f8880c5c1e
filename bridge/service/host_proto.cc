#include "bridge/service/host_proto.h"

#include "bridge/service/host_service.h"
#include "bridge/service/json_struct.h"
#include "google/protobuf/util/time_util.h"

namespace pipebridge::service {

namespace hosts = core::hosts;

void TimeToProto(absl::Time time, google::protobuf::Timestamp* out) {
  *out = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

hosts::HostInfo HostInfoFromProto(const v1::HostHello& hello) {
  hosts::HostInfo info;
  info.application = hello.application();
  info.application_version = hello.application_version();
  info.pid = hello.pid();
  info.session_id = hello.session_id();
  info.user = hello.user();
  info.display_name = hello.display_name();
  return info;
}

std::vector<hosts::CommandSpec> CommandsFromProto(
    const google::protobuf::RepeatedPtrField<v1::Command>& commands) {
  std::vector<hosts::CommandSpec> out;
  out.reserve(commands.size());
  for (const auto& command : commands) {
    hosts::CommandSpec spec;
    spec.name = command.name();
    spec.title = command.title();
    spec.description = command.description();
    spec.args_schema = StructToJson(command.args_schema());
    spec.result_schema = StructToJson(command.result_schema());
    out.push_back(std::move(spec));
  }
  return out;
}

void HostToProto(const hosts::HostRecord& host, v1::Host* out) {
  out->set_id(host.id);
  out->set_application(host.info.application);
  out->set_application_version(host.info.application_version);
  out->set_pid(host.info.pid);
  out->set_session_id(host.info.session_id);
  out->set_user(host.info.user);
  out->set_display_name(host.info.display_name);
  for (const auto& command : host.commands) {
    v1::Command* c = out->add_commands();
    c->set_name(command.name);
    c->set_title(command.title);
    c->set_description(command.description);
    JsonToStruct(command.args_schema, c->mutable_args_schema());
    JsonToStruct(command.result_schema, c->mutable_result_schema());
  }
  TimeToProto(host.attached_at, out->mutable_attached_at());
  TimeToProto(host.last_seen, out->mutable_last_seen());
}

hosts::HostSelector SelectorFromProto(const v1::HostSelector& selector) {
  hosts::HostSelector out;
  if (selector.has_query()) {
    out.application = selector.query().application();
    out.user = selector.query().user();
    out.session_id = selector.query().session_id();
    out.pid = selector.query().pid();
  } else {
    out.host_id = selector.host_id();
  }
  return out;
}

void InvocationToProto(const hosts::Invocation& invocation, v1::Invocation* out) {
  out->set_invocation_id(invocation.invocation_id);
  out->set_command(invocation.command);
  JsonToStruct(invocation.args, out->mutable_args());
  if (invocation.deadline != absl::InfiniteFuture()) TimeToProto(invocation.deadline, out->mutable_deadline());
  out->set_caller_host(invocation.caller_host);
}

hosts::InvocationProgress ProgressFromProto(const v1::InvocationProgress& progress) {
  hosts::InvocationProgress out;
  out.invocation_id = progress.invocation_id();
  out.fraction = progress.fraction();
  out.message = progress.message();
  out.data = StructToJson(progress.data());
  return out;
}

void ProgressToProto(const hosts::InvocationProgress& progress, v1::InvocationProgress* out) {
  out->set_invocation_id(progress.invocation_id);
  out->set_fraction(progress.fraction);
  out->set_message(progress.message);
  JsonToStruct(progress.data, out->mutable_data());
}

absl::Status HostErrorToStatus(const v1::HostError& error) {
  int code = error.code();
  if (code <= 0 || code > 16) code = static_cast<int>(absl::StatusCode::kUnknown);
  return absl::Status(static_cast<absl::StatusCode>(code), error.message());
}

}  // namespace pipebridge::service

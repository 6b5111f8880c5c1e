#include "bridge/service/event_service.h"

#include "bridge/core/status_macros.h"
#include "bridge/service/event_subscription_stream.h"
#include "bridge/service/json_struct.h"
#include "google/protobuf/util/time_util.h"

namespace pipebridge::service {
namespace {

namespace events = core::events;

}  // namespace

void EventToProto(const events::Event& event, v1::Event* out) {
  out->set_id(event.id);
  out->set_topic(event.topic);
  *out->mutable_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(event.time));
  out->set_user(event.user);
  if (!event.project.empty()) {
    out->mutable_project()->set_type(event.project.type);
    out->mutable_project()->set_id(static_cast<int32_t>(event.project.id));
    out->mutable_project()->set_name(event.project.name);
  }
  out->set_source_host(event.source_host);
  JsonToStruct(event.payload, out->mutable_payload());
}

absl::Status RegisterEventService(rpc::MethodTable& table, events::EventLog& log,
                                  const events::ProjectRef& project, TaskRunner& runner) {
  PB_RETURN_IF_ERROR((table.SetUnary<v1::PublishEventRequest, v1::PublishEventResponse>(
      "pipebridge.v1.EventService/Publish",
      [&log, &project](rpc::CallContext& ctx, const v1::PublishEventRequest& request,
                       v1::PublishEventResponse* response) -> absl::Status {
        events::EventDraft draft;
        draft.topic = request.topic();
        draft.payload = StructToJson(request.payload());
        draft.project = project;
        draft.custom = true;
        PB_ASSIGN_OR_RETURN(events::Event event, log.Publish(std::move(draft)));
        EventToProto(event, response->mutable_event());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::ListEventsRequest, v1::ListEventsResponse>(
      "pipebridge.v1.EventService/List",
      [&log](rpc::CallContext&, const v1::ListEventsRequest& request,
             v1::ListEventsResponse* response) -> absl::Status {
        events::ListOptions options;
        options.after_id = request.after_id();
        options.up_to_id = request.up_to_id();
        options.topics.assign(request.topics().begin(), request.topics().end());
        options.filters = ListToJson(request.filters());
        options.limit = request.limit();
        PB_ASSIGN_OR_RETURN(events::ListResult result, log.List(options));
        for (const auto& event : result.events) EventToProto(event, response->add_events());
        response->set_has_more(result.has_more);
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetServerStreaming<v1::SubscribeEventsRequest>(
      "pipebridge.v1.EventService/Subscribe",
      [&log, &runner](rpc::CallContext&, const v1::SubscribeEventsRequest& request,
                      rpc::ServerStream& stream) -> std::unique_ptr<rpc::StreamObserver> {
        events::SubscribeOptions options;
        options.topics.assign(request.topics().begin(), request.topics().end());
        options.filters = ListToJson(request.filters());
        options.after_id = request.after_id();
        options.from_beginning = request.from_beginning();
        return EventSubscriptionStream::Start(log, std::move(options), stream, runner);
      })));
  return absl::OkStatus();
}

}  // namespace pipebridge::service

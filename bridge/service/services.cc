#include "bridge/service/services.h"

#include "bridge/core/status_macros.h"
#include "bridge/service/bridge_service.h"
#include "bridge/service/context_service.h"
#include "bridge/service/entity_service.h"
#include "bridge/service/event_service.h"
#include "bridge/service/host_service.h"
#include "bridge/service/publish_service.h"
#include "bridge/service/template_service.h"
#include "pipebridge/v1/bridge.pb.h"
#include "pipebridge/v1/context.pb.h"
#include "pipebridge/v1/entities.pb.h"
#include "pipebridge/v1/events.pb.h"
#include "pipebridge/v1/hosts.pb.h"
#include "pipebridge/v1/publishes.pb.h"
#include "pipebridge/v1/templates.pb.h"

namespace pipebridge::service {

std::vector<const google::protobuf::ServiceDescriptor*> ContractServices() {
  // Naming a message of each file links its generated code in, descriptors included.
  const std::pair<const google::protobuf::FileDescriptor*, const char*> services[] = {
      {v1::PingRequest::descriptor()->file(), "BridgeService"},
      {v1::FindEntitiesRequest::descriptor()->file(), "EntityService"},
      {v1::ApplyTemplateRequest::descriptor()->file(), "TemplateService"},
      {v1::ContextFromPathRequest::descriptor()->file(), "ContextService"},
      {v1::RegisterPublishRequest::descriptor()->file(), "PublishService"},
      {v1::SubscribeEventsRequest::descriptor()->file(), "EventService"},
      {v1::AttachRequest::descriptor()->file(), "HostService"},
  };
  std::vector<const google::protobuf::ServiceDescriptor*> result;
  for (const auto& [file, name] : services) result.push_back(file->FindServiceByName(name));
  return result;
}

absl::Status RegisterServices(rpc::MethodTable& table, const ServiceDeps& deps) {
  for (const auto* service : ContractServices()) {
    PB_RETURN_IF_ERROR(table.AddService(service));
  }
  PB_RETURN_IF_ERROR(RegisterBridgeService(table, *deps.info));
  PB_RETURN_IF_ERROR(RegisterEntityService(table, *deps.store));
  PB_RETURN_IF_ERROR(RegisterTemplateService(table, deps.templates));
  PB_RETURN_IF_ERROR(RegisterContextService(table, *deps.contexts));
  PB_RETURN_IF_ERROR(RegisterPublishService(table, *deps.publishes));
  PB_RETURN_IF_ERROR(RegisterEventService(table, *deps.events, *deps.project, *deps.runner));
  PB_RETURN_IF_ERROR(RegisterHostService(table, *deps.hosts, deps.events));
  // These wait on SQLite (a durable commit's fsync, a Find over many rows). Templates and
  // hosts answer from memory; Ping and GetInfo stay inline, on the transport's thread.
  for (const char* name : {"pipebridge.v1.EntityService", "pipebridge.v1.ContextService",
                           "pipebridge.v1.PublishService", "pipebridge.v1.EventService"}) {
    PB_RETURN_IF_ERROR(table.MarkBlocking(name));
  }
  return absl::OkStatus();
}

}  // namespace pipebridge::service

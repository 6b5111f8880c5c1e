// Builds the method table of the whole contract with every handler this server implements.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "bridge/core/context/context_resolver.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/core/events/event_log.h"
#include "bridge/core/hosts/host_registry.h"
#include "bridge/core/publishes/publish_store.h"
#include "bridge/core/templates/template_set.h"
#include "bridge/rpc/method_table.h"
#include "bridge/service/server_info.h"
#include "bridge/service/task_runner.h"

namespace pipebridge::service {

// What the handlers need; each must outlive the table.
struct ServiceDeps {
  const ServerInfo* info = nullptr;
  core::entities::EntityStore* store = nullptr;
  const core::context::ContextResolver* contexts = nullptr;
  core::events::EventLog* events = nullptr;
  core::publishes::PublishStore* publishes = nullptr;
  core::hosts::HostRegistry* hosts = nullptr;
  // The project custom events are stamped with.
  const core::events::ProjectRef* project = nullptr;
  // Pumps event subscriptions.
  TaskRunner* runner = nullptr;
  // Null when the project has no templates.yml.
  std::shared_ptr<const core::templates::TemplateSet> templates;
};

// The seven services of pipebridge.v1, in the order the server serves them.
std::vector<const google::protobuf::ServiceDescriptor*> ContractServices();

// Adds the seven services of pipebridge.v1 to `table` and registers their handlers; RPCs
// without one answer UNIMPLEMENTED naming themselves.
absl::Status RegisterServices(rpc::MethodTable& table, const ServiceDeps& deps);

}  // namespace pipebridge::service

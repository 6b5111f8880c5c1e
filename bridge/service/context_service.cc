#include "bridge/service/context_service.h"

#include "absl/strings/str_cat.h"
#include "bridge/core/status_macros.h"
#include "bridge/service/json_struct.h"

namespace pipebridge::service {
namespace {

using core::context::Context;
using core::context::ContextResolver;
using nlohmann::json;

void LinkToProto(const json& link, v1::EntityRef* out) {
  out->set_type(link.value("type", ""));
  out->set_id(static_cast<int32_t>(link.value("id", int64_t{0})));
  const auto name = link.find("name");
  if (name != link.end() && name->is_string()) out->set_name(name->get<std::string>());
}

// An unset EntityRef (no type and no id) is no link; anything else must be a whole link.
absl::StatusOr<json> LinkFromProto(const v1::EntityRef& ref, const std::string& where) {
  if (ref.type().empty() && ref.id() == 0) return json();
  json link = {{"type", ref.type()}, {"id", ref.id()}};
  PB_RETURN_IF_ERROR(core::context::ValidateLink(link, where));
  if (!ref.name().empty()) link["name"] = ref.name();
  return link;
}

}  // namespace

void ContextToProto(const Context& context, v1::Context* out) {
  if (!context.project.is_null()) LinkToProto(context.project, out->mutable_project());
  if (!context.entity.is_null()) LinkToProto(context.entity, out->mutable_entity());
  if (!context.step.is_null()) LinkToProto(context.step, out->mutable_step());
  if (!context.task.is_null()) LinkToProto(context.task, out->mutable_task());
  if (!context.user.is_null()) LinkToProto(context.user, out->mutable_user());
  for (const auto& link : context.additional_entities) LinkToProto(link, out->add_additional_entities());
}

absl::StatusOr<Context> ContextFromProto(const v1::Context& proto, const std::string& where) {
  Context context;
  PB_ASSIGN_OR_RETURN(context.project, LinkFromProto(proto.project(), where + ".project"));
  PB_ASSIGN_OR_RETURN(context.entity, LinkFromProto(proto.entity(), where + ".entity"));
  PB_ASSIGN_OR_RETURN(context.step, LinkFromProto(proto.step(), where + ".step"));
  PB_ASSIGN_OR_RETURN(context.task, LinkFromProto(proto.task(), where + ".task"));
  PB_ASSIGN_OR_RETURN(context.user, LinkFromProto(proto.user(), where + ".user"));
  for (int i = 0; i < proto.additional_entities_size(); ++i) {
    PB_ASSIGN_OR_RETURN(json link, LinkFromProto(proto.additional_entities(i),
                                                 absl::StrCat(where, ".additional_entities[", i, "]")));
    if (!link.is_null()) context.additional_entities.push_back(std::move(link));
  }
  return context;
}

absl::Status RegisterContextService(rpc::MethodTable& table, const ContextResolver& resolver) {
  PB_RETURN_IF_ERROR((table.SetUnary<v1::ContextFromPathRequest, v1::ContextFromPathResponse>(
      "pipebridge.v1.ContextService/FromPath",
      [&resolver](rpc::CallContext&, const v1::ContextFromPathRequest& request,
                  v1::ContextFromPathResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(auto found, resolver.FromPath(request.path()));
        ContextToProto(found.context, response->mutable_context());
        response->set_template_(found.template_name);
        JsonToStruct(found.fields, response->mutable_fields());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::ContextFromEntityRequest, v1::ContextFromEntityResponse>(
      "pipebridge.v1.ContextService/FromEntity",
      [&resolver](rpc::CallContext&, const v1::ContextFromEntityRequest& request,
                  v1::ContextFromEntityResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(json link, LinkFromProto(request.entity(), "entity"));
        if (link.is_null()) return absl::InvalidArgumentError("entity: expected an entity link");
        PB_ASSIGN_OR_RETURN(Context context, resolver.FromEntity(link));
        ContextToProto(context, response->mutable_context());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::ContextToFieldsRequest, v1::ContextToFieldsResponse>(
      "pipebridge.v1.ContextService/ToFields",
      [&resolver](rpc::CallContext&, const v1::ContextToFieldsRequest& request,
                  v1::ContextToFieldsResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(Context context, ContextFromProto(request.context()));
        PB_ASSIGN_OR_RETURN(json fields, resolver.ToFields(context, request.template_()));
        JsonToStruct(fields, response->mutable_fields());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::SerializeContextRequest, v1::SerializeContextResponse>(
      "pipebridge.v1.ContextService/Serialize",
      [](rpc::CallContext&, const v1::SerializeContextRequest& request,
         v1::SerializeContextResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(Context context, ContextFromProto(request.context()));
        response->set_serialized(core::context::SerializeContext(context));
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::DeserializeContextRequest, v1::DeserializeContextResponse>(
      "pipebridge.v1.ContextService/Deserialize",
      [](rpc::CallContext&, const v1::DeserializeContextRequest& request,
         v1::DeserializeContextResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(Context context, core::context::DeserializeContext(request.serialized()));
        ContextToProto(context, response->mutable_context());
        return absl::OkStatus();
      })));
  return absl::OkStatus();
}

}  // namespace pipebridge::service

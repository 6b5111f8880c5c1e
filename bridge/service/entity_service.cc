#include "bridge/service/entity_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "bridge/core/status_macros.h"
#include "bridge/service/json_struct.h"
#include "pipebridge/v1/entities.pb.h"

namespace pipebridge::service {
namespace {

namespace v1 = pipebridge::v1;
namespace entities = core::entities;
using entities::EntityStore;

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return {values.begin(), values.end()};
}

std::string FilterOperator(const std::string& op) { return op.empty() ? "all" : op; }

absl::StatusOr<std::string> Direction(v1::SortDirection direction, absl::string_view where) {
  switch (direction) {
    case v1::SORT_DIRECTION_UNSPECIFIED:
    case v1::SORT_DIRECTION_ASC:
      return std::string("asc");
    case v1::SORT_DIRECTION_DESC:
      return std::string("desc");
    default:
      return absl::InvalidArgumentError(absl::StrCat(where, ": unknown sort direction ", direction));
  }
}

// Page limit and number from a request, with the server's default and cap.
absl::Status ApplyPage(const v1::Page& page, entities::FindRequest& find) {
  if (page.limit() < 0) return absl::InvalidArgumentError("page.limit: must not be negative");
  if (page.page() < 0) return absl::InvalidArgumentError("page.page: must not be negative");
  find.limit = page.limit() == 0 ? kDefaultPageLimit : std::min(page.limit(), kMaxPageLimit);
  find.page = page.page() == 0 ? 1 : page.page();
  return absl::OkStatus();
}

absl::Status Find(EntityStore& store, const v1::FindEntitiesRequest& request,
                  v1::FindEntitiesResponse* response) {
  entities::FindRequest find;
  find.entity_type = request.entity_type();
  find.filters = ListToJson(request.filters());
  find.filter_operator = FilterOperator(request.filter_operator());
  find.fields = Strings(request.fields());
  for (int i = 0; i < request.order_size(); ++i) {
    PB_ASSIGN_OR_RETURN(std::string direction,
                        Direction(request.order(i).direction(), absl::StrCat("order[", i, "].direction")));
    find.order.push_back({request.order(i).field_name(), direction});
  }
  PB_RETURN_IF_ERROR(ApplyPage(request.page(), find));
  find.retired = request.retired_only() ? entities::RetiredMode::kRetiredOnly
                                        : entities::RetiredMode::kActive;
  PB_ASSIGN_OR_RETURN(std::vector<nlohmann::json> records, store.Find(find));
  // A full page may have a successor: one more query for the single record after it
  // (pages of one record: page k is the k-th match) tells, without counting every match.
  bool has_more = false;
  if (static_cast<int64_t>(records.size()) == find.limit) {
    entities::FindRequest next = find;
    next.fields.clear();
    next.limit = 1;
    next.page = find.page * find.limit + 1;
    PB_ASSIGN_OR_RETURN(std::vector<nlohmann::json> successor, store.Find(next));
    has_more = !successor.empty();
  }
  for (const auto& record : records) JsonToStruct(record, response->add_entities());
  response->set_has_more(has_more);
  return absl::OkStatus();
}

entities::BatchItem ToBatchItem(const v1::BatchOperation& operation) {
  entities::BatchItem item;
  switch (operation.operation_case()) {
    case v1::BatchOperation::kCreate:
      item.kind = entities::BatchItem::Kind::kCreate;
      item.entity_type = operation.create().entity_type();
      item.data = StructToJson(operation.create().data());
      item.return_fields = Strings(operation.create().return_fields());
      break;
    case v1::BatchOperation::kUpdate:
      item.kind = entities::BatchItem::Kind::kUpdate;
      item.entity_type = operation.update().entity_type();
      item.id = operation.update().id();
      item.data = StructToJson(operation.update().data());
      item.return_fields = Strings(operation.update().return_fields());
      break;
    case v1::BatchOperation::kDelete:
      item.kind = entities::BatchItem::Kind::kDelete;
      item.entity_type = operation.delete_().entity_type();
      item.id = operation.delete_().id();
      break;
    case v1::BatchOperation::OPERATION_NOT_SET:
      break;
  }
  return item;
}

absl::Status Batch(EntityStore& store, const v1::BatchEntitiesRequest& request,
                   v1::BatchEntitiesResponse* response) {
  std::vector<entities::BatchItem> items;
  for (int i = 0; i < request.requests_size(); ++i) {
    if (request.requests(i).operation_case() == v1::BatchOperation::OPERATION_NOT_SET) {
      return absl::InvalidArgumentError(
          absl::StrCat("requests[", i, "]: set one of create, update or delete"));
    }
    items.push_back(ToBatchItem(request.requests(i)));
  }
  PB_ASSIGN_OR_RETURN(std::vector<nlohmann::json> results, store.Batch(items));
  for (size_t i = 0; i < results.size(); ++i) {
    auto* out = response->add_results();
    if (items[i].kind == entities::BatchItem::Kind::kDelete) {
      out->set_retired(results[i].get<bool>());
    } else {
      JsonToStruct(results[i], out->mutable_entity());
    }
  }
  return absl::OkStatus();
}

v1::FieldType ToProto(entities::FieldType type) {
  switch (type) {
    case entities::FieldType::kText: return v1::FIELD_TYPE_TEXT;
    case entities::FieldType::kNumber: return v1::FIELD_TYPE_NUMBER;
    case entities::FieldType::kFloat: return v1::FIELD_TYPE_FLOAT;
    case entities::FieldType::kBool: return v1::FIELD_TYPE_BOOL;
    case entities::FieldType::kDate: return v1::FIELD_TYPE_DATE;
    case entities::FieldType::kDateTime: return v1::FIELD_TYPE_DATE_TIME;
    case entities::FieldType::kEntity: return v1::FIELD_TYPE_ENTITY;
    case entities::FieldType::kMultiEntity: return v1::FIELD_TYPE_MULTI_ENTITY;
    case entities::FieldType::kList: return v1::FIELD_TYPE_LIST;
    case entities::FieldType::kJson: return v1::FIELD_TYPE_JSON;
  }
  return v1::FIELD_TYPE_UNSPECIFIED;
}

absl::Status Schema(const EntityStore& store, const v1::GetSchemaRequest& request,
                    v1::GetSchemaResponse* response) {
  const auto& schema = store.schema();
  if (!request.entity_type().empty() && schema.FindType(request.entity_type()) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("entity_type: unknown entity type \"", request.entity_type(), "\""));
  }
  for (const auto& type : schema.types()) {
    if (!request.entity_type().empty() && type.name != request.entity_type()) continue;
    auto* out = response->add_entity_types();
    out->set_name(type.name);
    out->set_display_name(type.display_name);
    for (const auto& field : type.fields) {
      auto* f = out->add_fields();
      f->set_name(field.name);
      f->set_display_name(field.display_name);
      f->set_data_type(ToProto(field.type));
      for (const auto& link : field.link_types) f->add_link_types(link);
      for (const auto& value : field.valid_values) f->add_valid_values(value);
      f->set_editable(field.editable);
    }
  }
  return absl::OkStatus();
}

void FillGroups(const nlohmann::json& groups, google::protobuf::RepeatedPtrField<v1::SummaryGroup>* out) {
  if (!groups.is_array()) return;
  for (const auto& group : groups) {
    auto* g = out->Add();
    JsonToValue(group.value("group_value", nlohmann::json()), g->mutable_group_value());
    const auto& name = group.value("group_name", nlohmann::json());
    g->set_group_name(name.is_string() ? name.get<std::string>() : name.dump());
    JsonToStruct(group.value("summaries", nlohmann::json::object()), g->mutable_summaries());
    FillGroups(group.value("groups", nlohmann::json::array()), g->mutable_groups());
  }
}

absl::Status Summarize(const EntityStore& store, const v1::SummarizeEntitiesRequest& request,
                       v1::SummarizeEntitiesResponse* response) {
  entities::SummarizeRequest summarize;
  summarize.entity_type = request.entity_type();
  summarize.filters = ListToJson(request.filters());
  summarize.filter_operator = FilterOperator(request.filter_operator());
  for (const auto& field : request.summary_fields()) {
    summarize.summary_fields.push_back({field.field(), field.type()});
  }
  for (int i = 0; i < request.grouping_size(); ++i) {
    PB_ASSIGN_OR_RETURN(std::string direction, Direction(request.grouping(i).direction(),
                                                         absl::StrCat("grouping[", i, "].direction")));
    entities::Grouping grouping;
    grouping.field = request.grouping(i).field();
    grouping.direction = direction;
    summarize.grouping.push_back(grouping);
  }
  PB_ASSIGN_OR_RETURN(nlohmann::json result, store.Summarize(summarize));
  JsonToStruct(result.value("summaries", nlohmann::json::object()), response->mutable_summaries());
  FillGroups(result.value("groups", nlohmann::json::array()), response->mutable_groups());
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterEntityService(rpc::MethodTable& table, EntityStore& store) {
  PB_RETURN_IF_ERROR((table.SetUnary<v1::FindEntitiesRequest, v1::FindEntitiesResponse>(
      "pipebridge.v1.EntityService/Find",
      [&store](rpc::CallContext&, const v1::FindEntitiesRequest& request,
               v1::FindEntitiesResponse* response) { return Find(store, request, response); })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::GetEntityRequest, v1::GetEntityResponse>(
      "pipebridge.v1.EntityService/Get",
      [&store](rpc::CallContext&, const v1::GetEntityRequest& request,
               v1::GetEntityResponse* response) -> absl::Status {
        entities::GetRequest get;
        get.entity_type = request.entity_type();
        get.id = request.id();
        get.fields = Strings(request.fields());
        PB_ASSIGN_OR_RETURN(nlohmann::json record, store.Get(get));
        JsonToStruct(record, response->mutable_entity());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::CreateEntityRequest, v1::CreateEntityResponse>(
      "pipebridge.v1.EntityService/Create",
      [&store](rpc::CallContext&, const v1::CreateEntityRequest& request,
               v1::CreateEntityResponse* response) -> absl::Status {
        entities::CreateRequest create;
        create.entity_type = request.entity_type();
        create.data = StructToJson(request.data());
        create.return_fields = Strings(request.return_fields());
        PB_ASSIGN_OR_RETURN(nlohmann::json record, store.Create(create));
        JsonToStruct(record, response->mutable_entity());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::UpdateEntityRequest, v1::UpdateEntityResponse>(
      "pipebridge.v1.EntityService/Update",
      [&store](rpc::CallContext&, const v1::UpdateEntityRequest& request,
               v1::UpdateEntityResponse* response) -> absl::Status {
        entities::UpdateRequest update;
        update.entity_type = request.entity_type();
        update.id = request.id();
        update.data = StructToJson(request.data());
        update.return_fields = Strings(request.return_fields());
        PB_ASSIGN_OR_RETURN(nlohmann::json record, store.Update(update));
        JsonToStruct(record, response->mutable_entity());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::DeleteEntityRequest, v1::DeleteEntityResponse>(
      "pipebridge.v1.EntityService/Delete",
      [&store](rpc::CallContext&, const v1::DeleteEntityRequest& request,
               v1::DeleteEntityResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(bool retired, store.Retire(request.entity_type(), request.id()));
        response->set_retired(retired);
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::ReviveEntityRequest, v1::ReviveEntityResponse>(
      "pipebridge.v1.EntityService/Revive",
      [&store](rpc::CallContext&, const v1::ReviveEntityRequest& request,
               v1::ReviveEntityResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(bool revived, store.Revive(request.entity_type(), request.id()));
        response->set_revived(revived);
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::BatchEntitiesRequest, v1::BatchEntitiesResponse>(
      "pipebridge.v1.EntityService/Batch",
      [&store](rpc::CallContext&, const v1::BatchEntitiesRequest& request,
               v1::BatchEntitiesResponse* response) { return Batch(store, request, response); })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::GetSchemaRequest, v1::GetSchemaResponse>(
      "pipebridge.v1.EntityService/Schema",
      [&store](rpc::CallContext&, const v1::GetSchemaRequest& request,
               v1::GetSchemaResponse* response) { return Schema(store, request, response); })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::SummarizeEntitiesRequest, v1::SummarizeEntitiesResponse>(
      "pipebridge.v1.EntityService/Summarize",
      [&store](rpc::CallContext&, const v1::SummarizeEntitiesRequest& request,
               v1::SummarizeEntitiesResponse* response) { return Summarize(store, request, response); })));
  return absl::OkStatus();
}

}  // namespace pipebridge::service

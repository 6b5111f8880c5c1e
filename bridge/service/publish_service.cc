#include "bridge/service/publish_service.h"

#include "absl/strings/str_cat.h"
#include "bridge/core/context/context.h"
#include "bridge/core/status_macros.h"
#include "bridge/service/context_service.h"
#include "bridge/service/json_struct.h"
#include "google/protobuf/util/time_util.h"
#include "pipebridge/v1/publishes.pb.h"

namespace pipebridge::service {
namespace {

namespace publishes = core::publishes;
using publishes::PublishStore;

absl::StatusOr<nlohmann::json> ContextJsonFromProto(const v1::Context& proto) {
  PB_ASSIGN_OR_RETURN(core::context::Context context, ContextFromProto(proto));
  return core::context::ContextToJson(context);
}

void PublishToProto(const publishes::Publish& publish, v1::Publish* out) {
  out->set_id(static_cast<int32_t>(publish.id));
  out->set_name(publish.name);
  out->set_publish_type(publish.publish_type);
  out->set_version(static_cast<int32_t>(publish.version));
  out->set_path(publish.path);
  if (auto context = core::context::ContextFromJson(publish.context); context.ok()) {
    ContextToProto(*context, out->mutable_context());
  }
  out->set_description(publish.description);
  out->set_checksum(publish.checksum);
  out->set_size_bytes(publish.size_bytes);
  if (publish.frame_range) {
    out->mutable_frame_range()->set_first(static_cast<int32_t>(publish.frame_range->first));
    out->mutable_frame_range()->set_last(static_cast<int32_t>(publish.frame_range->last));
  }
  for (int64_t id : publish.dependency_ids) out->add_dependency_ids(static_cast<int32_t>(id));
  JsonToStruct(publish.metadata, out->mutable_metadata());
  out->set_template_(publish.template_name);
  out->set_created_by(publish.created_by);
  if (publish.created_at != absl::InfinitePast()) {
    *out->mutable_created_at() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(publish.created_at));
  }
  out->set_source_host(publish.source_host);
}

void RelatedToProto(const std::vector<publishes::RelatedPublish>& related,
                    google::protobuf::RepeatedPtrField<v1::RelatedPublish>* out) {
  for (const auto& item : related) {
    auto* r = out->Add();
    PublishToProto(item.publish, r->mutable_publish());
    r->set_depth(item.depth);
  }
}

absl::StatusOr<publishes::RegisterRequest> RegisterFromProto(const v1::RegisterPublishRequest& request) {
  publishes::RegisterRequest out;
  out.path = request.path();
  out.name = request.name();
  out.publish_type = request.publish_type();
  out.version = request.version();
  PB_ASSIGN_OR_RETURN(out.context, ContextJsonFromProto(request.context()));
  for (int i = 0; i < request.dependencies_size(); ++i) {
    const auto& dependency = request.dependencies(i);
    switch (dependency.ref_case()) {
      case v1::DependencyRef::kId:
        out.dependencies.push_back(publishes::DependencyRef::ById(dependency.id()));
        break;
      case v1::DependencyRef::kPath:
        out.dependencies.push_back(publishes::DependencyRef::ByPath(dependency.path()));
        break;
      case v1::DependencyRef::REF_NOT_SET:
        return absl::InvalidArgumentError(absl::StrCat("dependencies[", i, "]: set id or path"));
    }
  }
  out.description = request.description();
  out.checksum = request.checksum();
  out.size_bytes = request.size_bytes();
  if (request.has_frame_range()) {
    out.frame_range = publishes::FrameRange{request.frame_range().first(), request.frame_range().last()};
  }
  out.metadata = StructToJson(request.metadata());
  out.template_name = request.template_();
  return out;
}

absl::Status Find(const PublishStore& store, const v1::FindPublishesRequest& request,
                  v1::FindPublishesResponse* response) {
  publishes::FindPublishesRequest find;
  find.filters = ListToJson(request.filters());
  find.filter_operator = request.filter_operator().empty() ? "all" : request.filter_operator();
  for (const auto& order : request.order()) {
    find.order.push_back({order.field_name(), order.direction() == v1::SORT_DIRECTION_DESC ? "desc" : "asc"});
  }
  if (request.page().limit() < 0) return absl::InvalidArgumentError("page.limit: must not be negative");
  if (request.page().page() < 0) return absl::InvalidArgumentError("page.page: must not be negative");
  find.limit = request.page().limit();
  find.page = request.page().page();
  PB_ASSIGN_OR_RETURN(auto result, store.Find(find));
  for (const auto& publish : result.publishes) PublishToProto(publish, response->add_publishes());
  response->set_has_more(result.has_more);
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterPublishService(rpc::MethodTable& table, PublishStore& store) {
  PB_RETURN_IF_ERROR((table.SetUnary<v1::RegisterPublishRequest, v1::RegisterPublishResponse>(
      "pipebridge.v1.PublishService/Register",
      [&store](rpc::CallContext&, const v1::RegisterPublishRequest& request,
               v1::RegisterPublishResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(publishes::RegisterRequest register_request, RegisterFromProto(request));
        PB_ASSIGN_OR_RETURN(publishes::Publish publish, store.Register(register_request));
        PublishToProto(publish, response->mutable_publish());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::ReserveVersionRequest, v1::ReserveVersionResponse>(
      "pipebridge.v1.PublishService/ReserveVersion",
      [&store](rpc::CallContext&, const v1::ReserveVersionRequest& request,
               v1::ReserveVersionResponse* response) -> absl::Status {
        publishes::VersionKey key;
        PB_ASSIGN_OR_RETURN(key.context, ContextJsonFromProto(request.context()));
        key.name = request.name();
        key.publish_type = request.publish_type();
        PB_ASSIGN_OR_RETURN(int64_t version, store.ReserveVersion(key));
        response->set_version(static_cast<int32_t>(version));
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::GetPublishRequest, v1::GetPublishResponse>(
      "pipebridge.v1.PublishService/Get",
      [&store](rpc::CallContext&, const v1::GetPublishRequest& request,
               v1::GetPublishResponse* response) -> absl::Status {
        absl::StatusOr<publishes::Publish> publish;
        switch (request.key_case()) {
          case v1::GetPublishRequest::kId: publish = store.Get(request.id()); break;
          case v1::GetPublishRequest::kPath: publish = store.GetByPath(request.path()); break;
          case v1::GetPublishRequest::KEY_NOT_SET:
            return absl::InvalidArgumentError("set id or path");
        }
        PB_RETURN_IF_ERROR(publish.status());
        PublishToProto(*publish, response->mutable_publish());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::FindLatestPublishesRequest, v1::FindLatestPublishesResponse>(
      "pipebridge.v1.PublishService/FindLatest",
      [&store](rpc::CallContext&, const v1::FindLatestPublishesRequest& request,
               v1::FindLatestPublishesResponse* response) -> absl::Status {
        publishes::FindLatestRequest find;
        PB_ASSIGN_OR_RETURN(find.context, ContextJsonFromProto(request.context()));
        find.name = request.name();
        find.publish_type = request.publish_type();
        PB_ASSIGN_OR_RETURN(auto latest, store.FindLatest(find));
        for (const auto& publish : latest) PublishToProto(publish, response->add_publishes());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::FindPublishesRequest, v1::FindPublishesResponse>(
      "pipebridge.v1.PublishService/Find",
      [&store](rpc::CallContext&, const v1::FindPublishesRequest& request,
               v1::FindPublishesResponse* response) { return Find(store, request, response); })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::UpstreamRequest, v1::UpstreamResponse>(
      "pipebridge.v1.PublishService/Upstream",
      [&store](rpc::CallContext&, const v1::UpstreamRequest& request,
               v1::UpstreamResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(auto related, store.Upstream(request.id(), request.depth()));
        RelatedToProto(related, response->mutable_publishes());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::DownstreamRequest, v1::DownstreamResponse>(
      "pipebridge.v1.PublishService/Downstream",
      [&store](rpc::CallContext&, const v1::DownstreamRequest& request,
               v1::DownstreamResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(auto related, store.Downstream(request.id(), request.depth()));
        RelatedToProto(related, response->mutable_publishes());
        return absl::OkStatus();
      })));
  PB_RETURN_IF_ERROR((table.SetUnary<v1::StaleIfRepublishedRequest, v1::StaleIfRepublishedResponse>(
      "pipebridge.v1.PublishService/StaleIfRepublished",
      [&store](rpc::CallContext&, const v1::StaleIfRepublishedRequest& request,
               v1::StaleIfRepublishedResponse* response) -> absl::Status {
        PB_ASSIGN_OR_RETURN(auto related, store.StaleIfRepublished(request.id()));
        RelatedToProto(related, response->mutable_publishes());
        return absl::OkStatus();
      })));
  return absl::OkStatus();
}

}  // namespace pipebridge::service

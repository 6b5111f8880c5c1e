// PublishStore queries: FindLatest, Find, Upstream/Downstream/StaleIfRepublished.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bridge/core/entities/table_layout.h"
#include "bridge/core/publishes/dependency_graph.h"
#include "bridge/core/publishes/publish_context.h"
#include "bridge/core/publishes/publish_filters.h"
#include "bridge/core/publishes/publish_record.h"
#include "bridge/core/publishes/publish_store.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::publishes {

using nlohmann::json;

absl::StatusOr<std::vector<Publish>> PublishStore::FindLatest(const FindLatestRequest& request) const {
  PB_ASSIGN_OR_RETURN(ContextLinks context, ParseContext(request.context));
  const std::string files = entities::TableName("PublishedFile");
  std::vector<int64_t> ids;
  PB_RETURN_IF_ERROR(store_.database().Read([&](sqlite::Connection& connection) -> absl::Status {
    PB_ASSIGN_OR_RETURN(
        sqlite::Statement statement,
        connection.Prepare(absl::StrCat(
            "SELECT id FROM (SELECT p.id, p.name, p.publish_type, ROW_NUMBER() OVER (PARTITION BY p.name, "
            "p.publish_type ORDER BY p.version DESC, p.id DESC) AS rank FROM pb_publishes p JOIN ",
            files,
            " e ON e.id = p.id AND e.retired = 0 WHERE p.entity_type = ?1 AND p.entity_id = ?2 "
            "AND (?3 = 0 OR p.task_id = ?3) AND (?4 = 0 OR p.step_id = ?4) AND (?5 = '' OR p.name = ?5) "
            "AND (?6 = '' OR p.publish_type = ?6)) WHERE rank = 1 ORDER BY name, publish_type")));
    statement.BindText(1, context.entity.type);
    statement.BindInt(2, context.entity.id);
    statement.BindInt(3, context.task.id);
    statement.BindInt(4, context.step.id);
    statement.BindText(5, request.name);
    statement.BindText(6, request.publish_type);
    while (true) {
      PB_ASSIGN_OR_RETURN(bool row, statement.Step());
      if (!row) break;
      ids.push_back(statement.Int(0));
    }
    return absl::OkStatus();
  }));
  return GetMany(ids);
}

absl::StatusOr<FindPublishesResult> PublishStore::Find(const FindPublishesRequest& request) const {
  if (request.limit < 0) return absl::InvalidArgumentError("page.limit: expected 0 or more");
  if (request.page < 0) return absl::InvalidArgumentError("page.page: expected 0 or more");
  entities::FindRequest find;
  find.entity_type = "PublishedFile";
  PB_ASSIGN_OR_RETURN(find.filters, TranslateFilters(request.filters));
  find.filter_operator = request.filter_operator.empty() ? "all" : request.filter_operator;
  for (size_t i = 0; i < request.order.size(); ++i) {
    entities::OrderBy order = request.order[i];
    PB_ASSIGN_OR_RETURN(order.field_name,
                        PublishedFileField(order.field_name, absl::StrCat("order[", i, "].field_name")));
    find.order.push_back(std::move(order));
  }
  find.limit = std::min(request.limit == 0 ? kDefaultFindLimit : request.limit, kMaxFindLimit);
  find.page = request.page == 0 ? 1 : request.page;
  find.fields = PublishedFileFields();
  PB_ASSIGN_OR_RETURN(std::vector<json> records, store_.Find(find));

  FindPublishesResult result;
  if (static_cast<int64_t>(records.size()) == find.limit) {
    // One record past this page: a page of size 1 at the next offset.
    entities::FindRequest probe = find;
    probe.fields.clear();
    probe.page = find.page * find.limit + 1;
    probe.limit = 1;
    PB_ASSIGN_OR_RETURN(std::vector<json> next, store_.Find(probe));
    result.has_more = !next.empty();
  }
  std::vector<int64_t> ids;
  ids.reserve(records.size());
  for (const json& record : records) ids.push_back(record.at("id").get<int64_t>());
  // Re-read through GetMany for the dependency ids (same order).
  PB_ASSIGN_OR_RETURN(result.publishes, GetMany(ids));
  return result;
}

absl::StatusOr<std::vector<RelatedPublish>> PublishStore::Related(int64_t id, int depth, bool upstream,
                                                                  bool stale_only) const {
  if (depth < 0) return absl::InvalidArgumentError("depth: expected 0 (all) or a positive number of hops");
  PB_RETURN_IF_ERROR(CheckExists(id));
  std::vector<GraphHit> hits;
  PB_RETURN_IF_ERROR(store_.database().Read([&](sqlite::Connection& connection) -> absl::Status {
    if (stale_only) {
      PB_ASSIGN_OR_RETURN(hits, StaleDownstream(connection, id));
    } else {
      PB_ASSIGN_OR_RETURN(hits, WalkDependencies(connection, id,
                                                 upstream ? Direction::kUpstream : Direction::kDownstream, depth));
    }
    return absl::OkStatus();
  }));
  std::vector<int64_t> ids;
  ids.reserve(hits.size());
  for (const GraphHit& hit : hits) ids.push_back(hit.id);
  PB_ASSIGN_OR_RETURN(std::vector<Publish> publishes, GetMany(ids));
  // GetMany keeps the order of `ids` and skips retired ones: merge by id.
  std::vector<RelatedPublish> out;
  out.reserve(publishes.size());
  size_t next = 0;
  for (Publish& publish : publishes) {
    while (hits[next].id != publish.id) ++next;
    out.push_back({std::move(publish), hits[next].depth});
  }
  return out;
}

absl::StatusOr<std::vector<RelatedPublish>> PublishStore::Upstream(int64_t id, int depth) const {
  return Related(id, depth, /*upstream=*/true, /*stale_only=*/false);
}

absl::StatusOr<std::vector<RelatedPublish>> PublishStore::Downstream(int64_t id, int depth) const {
  return Related(id, depth, /*upstream=*/false, /*stale_only=*/false);
}

absl::StatusOr<std::vector<RelatedPublish>> PublishStore::StaleIfRepublished(int64_t id) const {
  return Related(id, 0, /*upstream=*/false, /*stale_only=*/true);
}

}  // namespace pipebridge::core::publishes

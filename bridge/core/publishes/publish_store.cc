// PublishStore: opening and reads by id/path.
#include "bridge/core/publishes/publish_store.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bridge/core/publishes/dependency_graph.h"
#include "bridge/core/publishes/publish_record.h"
#include "bridge/core/publishes/publish_tables.h"
#include "bridge/core/publishes/publishes_schema.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::publishes {

using nlohmann::json;

namespace {

// Ids per entity Find ("in" binds one parameter per id).
constexpr size_t kIdsPerFind = 500;

}  // namespace

PublishStore::PublishStore(entities::EntityStore& store, PublishStoreOptions options)
    : store_(store),
      options_(std::move(options)),
      register_queue_(std::make_unique<RegisterQueue>(
          store.database(), std::max<size_t>(1, options_.max_register_batch),
          [this](sqlite::Transaction& txn, const PreparedRegister& prepared) {
            return ApplyRegister(txn, prepared);
          })) {}

PublishStore::~PublishStore() = default;

absl::StatusOr<std::unique_ptr<PublishStore>> PublishStore::Open(entities::EntityStore& store,
                                                                 PublishStoreOptions options) {
  PB_RETURN_IF_ERROR(CheckPublishesSchema(store.schema()));
  PB_RETURN_IF_ERROR(store.database().Write(
      [](sqlite::Transaction& txn) { return CreatePublishTables(txn.connection()); }));
  return std::unique_ptr<PublishStore>(new PublishStore(store, std::move(options)));
}

absl::StatusOr<std::vector<Publish>> PublishStore::GetMany(const std::vector<int64_t>& ids) const {
  // The entity read comes first: dependency rows commit with their publish
  // and never change, so the later snapshot has every edge of what was found.
  std::map<int64_t, Publish> found;
  for (size_t start = 0; start < ids.size(); start += kIdsPerFind) {
    const size_t end = std::min(ids.size(), start + kIdsPerFind);
    entities::FindRequest request;
    request.entity_type = "PublishedFile";
    request.filters =
        json::array({json::array({"id", "in", std::vector<int64_t>(ids.begin() + start, ids.begin() + end)})});
    request.fields = PublishedFileFields();
    PB_ASSIGN_OR_RETURN(std::vector<json> records, store_.Find(request));
    for (const json& record : records) {
      Publish publish = PublishFromRecord(record);
      found.emplace(publish.id, std::move(publish));
    }
  }
  std::vector<int64_t> present;
  present.reserve(found.size());
  for (const auto& [id, publish] : found) present.push_back(id);
  std::map<int64_t, std::vector<int64_t>> dependencies;
  PB_RETURN_IF_ERROR(store_.database().Read([&](sqlite::Connection& connection) -> absl::Status {
    PB_ASSIGN_OR_RETURN(dependencies, DirectDependencies(connection, present));
    return absl::OkStatus();
  }));
  std::vector<Publish> out;
  out.reserve(found.size());
  for (int64_t id : ids) {
    auto it = found.find(id);
    if (it == found.end()) continue;
    Publish publish = it->second;  // Copy: an id may be asked twice.
    auto deps = dependencies.find(id);
    if (deps != dependencies.end()) publish.dependency_ids = deps->second;
    out.push_back(std::move(publish));
  }
  return out;
}

absl::StatusOr<Publish> PublishStore::Get(int64_t id) const {
  PB_ASSIGN_OR_RETURN(std::vector<Publish> publishes, GetMany({id}));
  if (publishes.empty()) return absl::NotFoundError(absl::StrCat("publish ", id, " not found"));
  return std::move(publishes.front());
}

absl::StatusOr<Publish> PublishStore::GetByPath(const std::string& path) const {
  int64_t id = 0;
  PB_RETURN_IF_ERROR(store_.database().Read([&](sqlite::Connection& connection) -> absl::Status {
    PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                        connection.Prepare("SELECT id FROM pb_publishes WHERE path = ?1"));
    statement.BindText(1, path);
    PB_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (row) id = statement.Int(0);
    return absl::OkStatus();
  }));
  const absl::Status not_found = absl::NotFoundError("path: no publish is registered at this path");
  if (id == 0) return not_found;
  absl::StatusOr<Publish> publish = Get(id);
  if (absl::IsNotFound(publish.status())) return not_found;
  return publish;
}

absl::Status PublishStore::CheckExists(int64_t id) const { return Get(id).status(); }

}  // namespace pipebridge::core::publishes

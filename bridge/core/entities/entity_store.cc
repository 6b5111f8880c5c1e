#include "bridge/core/entities/entity_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "bridge/core/entities/find_query.h"
#include "bridge/core/entities/table_layout.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {

using nlohmann::json;

absl::StatusOr<std::unique_ptr<EntityStore>> EntityStore::Open(const std::string& path,
                                                               StoreOptions options) {
  PB_RETURN_IF_ERROR(options.schema.Validate());
  PB_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Database> database,
                      sqlite::Database::Open(path, options.database));
  PB_RETURN_IF_ERROR(database->Write(
      [&](sqlite::Transaction& txn) { return MigrateSchema(txn.connection(), options.schema); }));
  return std::unique_ptr<EntityStore>(new EntityStore(
      std::move(options.schema), std::move(database), std::move(options.clock)));
}

EntityStore::EntityStore(Schema schema, std::unique_ptr<sqlite::Database> database,
                         std::function<absl::Time()> clock)
    : schema_(std::move(schema)), database_(std::move(database)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return absl::Now(); };
}

EntityStore::~EntityStore() = default;

void EntityStore::SetChangeListener(ChangeListener listener) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  listener_ = listener ? std::make_shared<const ChangeListener>(std::move(listener)) : nullptr;
}

absl::Status EntityStore::Notify(sqlite::Transaction& txn, const ChangeRecord& change) {
  std::shared_ptr<const ChangeListener> listener;
  {
    std::lock_guard<std::mutex> lock(listener_mutex_);
    listener = listener_;
  }
  if (!listener) return absl::OkStatus();
  return (*listener)(txn, change);
}

absl::StatusOr<std::vector<json>> EntityStore::Find(const FindRequest& request) const {
  std::vector<json> records;
  FindOptions options;
  options.now = clock_();
  PB_RETURN_IF_ERROR(database_->Read([&](sqlite::Connection& c) -> absl::Status {
    PB_ASSIGN_OR_RETURN(records, RunFind(c, schema_, request, options));
    return absl::OkStatus();
  }));
  return records;
}

absl::StatusOr<std::vector<json>> EntityStore::FindInTransaction(sqlite::Transaction& txn,
                                                                 const FindRequest& request) const {
  FindOptions options;
  options.now = clock_();
  return RunFind(txn.connection(), schema_, request, options);
}

absl::StatusOr<json> EntityStore::Get(const GetRequest& request) const {
  FindRequest find;
  find.entity_type = request.entity_type;
  find.filters = json::array({json::array({"id", "is", request.id})});
  find.fields = request.fields.empty() ? std::vector<std::string>{"*"} : request.fields;
  find.retired = request.retired;
  find.limit = 1;
  PB_ASSIGN_OR_RETURN(std::vector<json> records, Find(find));
  if (records.empty()) {
    return absl::NotFoundError(absl::StrCat(request.entity_type, " ", request.id, " not found"));
  }
  return std::move(records[0]);
}

}  // namespace pipebridge::core::entities

// PublishStore writes: Register, RegisterMany, ReserveVersion.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bridge/core/publishes/dependency_graph.h"
#include "bridge/core/publishes/publish_context.h"
#include "bridge/core/publishes/publish_record.h"
#include "bridge/core/publishes/publish_store.h"
#include "bridge/core/publishes/register_validation.h"
#include "bridge/core/publishes/version_counter.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::publishes {

using nlohmann::json;

namespace {

VersionScope ScopeOf(const ContextLinks& context, const std::string& name, const std::string& publish_type) {
  return VersionScope{context.entity.type, context.entity.id, context.task.id, name, publish_type};
}

// The publish registered at `path`, or 0.
absl::StatusOr<int64_t> PublishAtPath(sqlite::Connection& connection, const std::string& path) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement, connection.Prepare("SELECT id FROM pb_publishes WHERE path = ?1"));
  statement.BindText(1, path);
  PB_ASSIGN_OR_RETURN(bool row, statement.Step());
  return row ? statement.Int(0) : 0;
}

absl::StatusOr<bool> PublishExists(sqlite::Connection& connection, int64_t id) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement, connection.Prepare("SELECT 1 FROM pb_publishes WHERE id = ?1"));
  statement.BindInt(1, id);
  return statement.Step();
}

// Dependency ids in request order, duplicates dropped.
absl::StatusOr<std::vector<int64_t>> ResolveDependencies(sqlite::Connection& connection,
                                                         const std::vector<DependencyRef>& refs,
                                                         const std::string& prefix) {
  std::vector<int64_t> ids;
  std::set<int64_t> seen;
  for (size_t i = 0; i < refs.size(); ++i) {
    const DependencyRef& ref = refs[i];
    int64_t id = ref.id;
    if (id != 0) {
      PB_ASSIGN_OR_RETURN(bool exists, PublishExists(connection, id));
      if (!exists) {
        return absl::InvalidArgumentError(
            absl::StrCat(prefix, "dependencies[", i, "].id: publish ", id, " does not exist"));
      }
    } else {
      PB_ASSIGN_OR_RETURN(id, PublishAtPath(connection, ref.path));
      if (id == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(prefix, "dependencies[", i, "].path: no publish is registered at this path"));
      }
    }
    if (seen.insert(id).second) ids.push_back(id);
  }
  return ids;
}

absl::Status InsertPublishRow(sqlite::Connection& connection, int64_t id, const ContextLinks& context,
                              const RegisterRequest& request, int64_t version) {
  PB_ASSIGN_OR_RETURN(sqlite::Statement statement,
                      connection.Prepare("INSERT INTO pb_publishes (id, entity_type, entity_id, task_id, step_id, "
                                         "name, publish_type, version, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                         "?8, ?9)"));
  statement.BindInt(1, id);
  statement.BindText(2, context.entity.type);
  statement.BindInt(3, context.entity.id);
  statement.BindInt(4, context.task.id);
  statement.BindInt(5, context.step.id);
  statement.BindText(6, request.name);
  statement.BindText(7, request.publish_type);
  statement.BindInt(8, version);
  statement.BindText(9, request.path);
  return statement.Run();
}

}  // namespace

struct PublishStore::PreparedRegister {
  const RegisterRequest* request = nullptr;
  std::string prefix;  // Prepended to error paths.
  ContextLinks context;  // As given: project and step are derived in the transaction.
  entities::PreparedCreate published_file;  // PublishedFileData(request).
};

absl::StatusOr<PublishStore::PreparedRegister> PublishStore::PrepareRegister(const RegisterRequest& request,
                                                                            const std::string& prefix) const {
  PB_RETURN_IF_ERROR(ValidateRegisterRequest(request, prefix));
  PreparedRegister prepared;
  prepared.request = &request;
  prepared.prefix = prefix;
  PB_ASSIGN_OR_RETURN(prepared.context, ParseContext(request.context, prefix + "context"));
  PB_RETURN_IF_ERROR(CheckTemplate(options_.templates.get(), request, prefix));
  // Text, numbers and JSON of a checked request: their encoding cannot fail. The links,
  // which can (a type the field refuses), are checked in the transaction after the context.
  entities::CreateRequest create;
  create.entity_type = "PublishedFile";
  create.data = PublishedFileData(request);
  create.return_fields = {"created_at"};
  // The Register builds its Publish from what it wrote (the context's names come with its
  // checks): the entity store returns only the id and the creation time.
  PB_ASSIGN_OR_RETURN(prepared.published_file,
                      store_.PrepareCreate(create, prefix, entities::CreateReturns::kReturnFieldsOnly));
  return prepared;
}

absl::StatusOr<Publish> PublishStore::ApplyRegister(sqlite::Transaction& txn, const PreparedRegister& prepared) {
  const RegisterRequest& request = *prepared.request;
  const std::string& prefix = prepared.prefix;
  sqlite::Connection& connection = txn.connection();
  PB_ASSIGN_OR_RETURN(ContextLinks context, ResolveContext(store_, txn, prepared.context, prefix + "context"));
  PB_ASSIGN_OR_RETURN(int64_t holder, PublishAtPath(connection, request.path));
  if (holder != 0) {
    return absl::AlreadyExistsError(
        absl::StrCat(prefix, "path: publish ", holder, " is already registered at this path"));
  }
  PB_ASSIGN_OR_RETURN(std::vector<int64_t> dependency_ids,
                      ResolveDependencies(connection, request.dependencies, prefix));

  const VersionScope scope = ScopeOf(context, request.name, request.publish_type);
  int64_t version = request.version;
  if (version == 0) {
    PB_ASSIGN_OR_RETURN(version, ReserveNextVersion(connection, scope));
  } else {
    PB_ASSIGN_OR_RETURN(holder, PublishWithVersion(connection, scope, version));
    if (holder != 0) {
      return absl::AlreadyExistsError(absl::StrCat(prefix, "version: version ", version, " of \"", request.name,
                                                   "\" (", request.publish_type, ") for ", context.entity.type, " ",
                                                   context.entity.id, " is already publish ", holder));
    }
    PB_RETURN_IF_ERROR(RaiseVersionCounter(connection, scope, version));
  }
  // The counter is always >= every registered version of the key, so a
  // reserved number never collides (the unique index backs this up).

  PB_ASSIGN_OR_RETURN(json record, store_.CreateInTransaction(txn, prepared.published_file,
                                                              PublishedFileLinks(context, version, dependency_ids)));
  const int64_t id = record.at("id").get<int64_t>();
  PB_RETURN_IF_ERROR(InsertPublishRow(connection, id, context, request, version));
  PB_RETURN_IF_ERROR(InsertDependencies(connection, id, dependency_ids));

  return RegisteredPublish(request, context, id, version, record.at("created_at").get<std::string>(),
                           std::move(dependency_ids));
}

absl::StatusOr<Publish> PublishStore::RegisterInTransaction(sqlite::Transaction& txn, const RegisterRequest& request,
                                                            const std::string& prefix) {
  PB_ASSIGN_OR_RETURN(PreparedRegister prepared, PrepareRegister(request, prefix));
  return ApplyRegister(txn, prepared);
}

absl::StatusOr<Publish> PublishStore::Register(const RegisterRequest& request) {
  // A request that is wrong on its face never joins (and never spoils) a
  // group commit, and the shared transaction does none of its encoding.
  PB_ASSIGN_OR_RETURN(PreparedRegister prepared, PrepareRegister(request, ""));
  return register_queue_->Run(prepared);
}

absl::StatusOr<std::vector<Publish>> PublishStore::RegisterMany(const std::vector<RegisterRequest>& requests) {
  std::vector<Publish> publishes;
  PB_RETURN_IF_ERROR(store_.database().Write([&](sqlite::Transaction& txn) -> absl::Status {
    publishes.clear();
    publishes.reserve(requests.size());
    for (size_t i = 0; i < requests.size(); ++i) {
      PB_ASSIGN_OR_RETURN(Publish publish, RegisterInTransaction(txn, requests[i], absl::StrCat("requests[", i, "].")));
      publishes.push_back(std::move(publish));
    }
    return absl::OkStatus();
  }));
  return publishes;
}

absl::StatusOr<int64_t> PublishStore::ReserveVersion(const VersionKey& key) {
  PB_RETURN_IF_ERROR(ValidateNameAndType(key.name, key.publish_type));
  PB_ASSIGN_OR_RETURN(ContextLinks context, ParseContext(key.context));
  int64_t version = 0;
  PB_RETURN_IF_ERROR(store_.database().Write([&](sqlite::Transaction& txn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(ContextLinks resolved, ResolveContext(store_, txn, context));
    PB_ASSIGN_OR_RETURN(version, ReserveNextVersion(txn.connection(), ScopeOf(resolved, key.name, key.publish_type)));
    return absl::OkStatus();
  }));
  return version;
}

}  // namespace pipebridge::core::publishes

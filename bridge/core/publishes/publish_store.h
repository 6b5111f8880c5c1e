// PublishStore: register, version, find and trace publishes.
//
// A publish is a PublishedFile entity of the EntityStore (so EntityService and
// ShotGrid-style tools see it) plus this module's rows in the same database
// file (publish_tables.h). Register writes both in ONE write transaction and
// creates the PublishedFile exactly once: one entity change record, hence one
// event, per publish.
//
// Versions are counted per version key (context entity, context task or none,
// name, type). ReserveVersion hands out the next number of a key; numbers are
// never handed out twice, across threads and processes sharing the file
// (the counter lives in the file and is bumped under BEGIN IMMEDIATE), even if
// they are never registered. Register with version 0 reserves the next number
// in its own transaction: when the Register fails, that reservation rolls back
// with it (nobody ever saw the number), so a failed Register consumes nothing.
// Register with an explicit version accepts any number no publish of the key
// holds (reserved or not) and raises the counter past it.
//
// Errors (absl::Status; messages name the request field, never SQL or paths
// of the server's machine):
// - INVALID_ARGUMENT naming the field: `path`, `name`, `publish_type`,
//   `version`, `context.entity` (missing, unknown type, record does not exist),
//   `context.task` (belongs to another entity), `checksum` (not
//   "sha256:<64 hex>"), `size_bytes`, `frame_range.first` (after last),
//   `metadata`, `dependencies[2].id` / `dependencies[2].path` (no such
//   publish), `template` (unknown), `path` (does not fit the template, with
//   the template's reason), `filters[1][0]` (unknown publish field).
// - ALREADY_EXISTS: `path` already registered; `version` already taken for
//   the key.
// - NOT_FOUND: Get/Upstream/Downstream/StaleIfRepublished of an unknown
//   (or retired) publish.
// - Storage failures as the entity store reports them (UNAVAILABLE when
//   another process holds the write lock beyond the busy timeout).
//
// Retired PublishedFile records (EntityService Delete) are invisible to reads
// and to "latest" computations, but keep their path and version taken.
//
// Thread-safety: every method may be called from any thread concurrently.
// Reads run on the database's pooled reader connections; writes serialise on
// its writer connection (and across processes on the file's write lock).
// The EntityStore (and the TemplateSet) must outlive the PublishStore.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/entities/entity_store.h"
#include "bridge/core/publishes/publish.h"
#include "bridge/core/sqlite/group_commit.h"
#include "bridge/core/sqlite/transaction.h"
#include "bridge/core/templates/template_set.h"

namespace pipebridge::core::publishes {


struct PublishStoreOptions {
  // Most Register calls committed together (group commit).
  size_t max_register_batch = 256;
  // Templates a RegisterRequest's template_name refers to; null: none loaded
  // (a request naming a template is then INVALID_ARGUMENT `template`).
  std::shared_ptr<const templates::TemplateSet> templates;
};

struct FindLatestRequest {
  // Publishes of this context's entity; narrowed to its task and/or step
  // when set. Other links are ignored.
  ContextJson context = nlohmann::json::object();
  std::string name;          // Empty: every name.
  std::string publish_type;  // Empty: every type.
};

inline constexpr int64_t kDefaultFindLimit = 500;
inline constexpr int64_t kMaxFindLimit = 5000;

struct FindPublishesRequest {
  // ShotGrid filters over publish field names (publish_filters.h).
  nlohmann::json filters = nlohmann::json::array();
  std::string filter_operator = "all";  // "all" or "any"
  // Publish field names; ties broken by id ascending.
  std::vector<entities::OrderBy> order;
  int64_t limit = 0;  // 0: kDefaultFindLimit; capped at kMaxFindLimit.
  int64_t page = 0;   // 1-based; 0 means 1.
};

struct FindPublishesResult {
  std::vector<Publish> publishes;
  bool has_more = false;  // A further page has at least one publish.
};

class PublishStore {
 public:
  // Creates the module's tables when missing. FAILED_PRECONDITION when the
  // store's schema lacks the publish fields (merge PublishesSchemaYaml()).
  static absl::StatusOr<std::unique_ptr<PublishStore>> Open(entities::EntityStore& store,
                                                            PublishStoreOptions options = {});
  ~PublishStore();

  // --- Writes -------------------------------------------------------------
  // All-or-nothing: on error nothing is stored (no entity, no dependency rows,
  // no version consumed). Returns the publish as stored, once committed.
  // Concurrent calls are group-committed (sqlite/group_commit.h): one transaction
  // and one fsync for every Register waiting at that moment. What needs no
  // storage (checks, the record's encoding) runs on the caller's thread before
  // it joins, so the shared transaction holds only storage work. Must not be
  // called from inside a Database::Write (use RegisterInTransaction there).
  absl::StatusOr<Publish> Register(const RegisterRequest& request);
  // Many publishes in one transaction (one commit, one fsync): all or none.
  // A request may depend on an earlier one of the batch by path. Errors carry
  // the index: `requests[3].checksum: ...`. One change record per publish.
  absl::StatusOr<std::vector<Publish>> RegisterMany(const std::vector<RegisterRequest>& requests);
  // Register inside a caller's write transaction (from the entity store's
  // database().Write()); `prefix` is prepended to error paths.
  absl::StatusOr<Publish> RegisterInTransaction(sqlite::Transaction& txn, const RegisterRequest& request,
                                                const std::string& prefix = "");

  // The next version of (context entity[, task], name, type), consumed now.
  // INVALID_ARGUMENT for a bad context/name/type (as Register).
  absl::StatusOr<int64_t> ReserveVersion(const VersionKey& key);

  // --- Reads --------------------------------------------------------------
  // NOT_FOUND `publish 42 not found`.
  absl::StatusOr<Publish> Get(int64_t id) const;
  // NOT_FOUND `path: no publish is registered at this path`.
  absl::StatusOr<Publish> GetByPath(const std::string& path) const;
  // Publishes by id, in the order asked; unknown or retired ids are skipped.
  absl::StatusOr<std::vector<Publish>> GetMany(const std::vector<int64_t>& ids) const;

  // The highest version of each (name, type) of the context's entity (within
  // its task/step when set), ordered by name then type.
  absl::StatusOr<std::vector<Publish>> FindLatest(const FindLatestRequest& request) const;
  absl::StatusOr<FindPublishesResult> Find(const FindPublishesRequest& request) const;

  // What `id` was made from (Upstream) / what was made from it (Downstream),
  // transitively up to `depth` hops (0: all), each once with its shortest hop
  // count, ordered by depth then id. NOT_FOUND for an unknown `id`;
  // INVALID_ARGUMENT `depth` when negative.
  absl::StatusOr<std::vector<RelatedPublish>> Upstream(int64_t id, int depth = 0) const;
  absl::StatusOr<std::vector<RelatedPublish>> Downstream(int64_t id, int depth = 0) const;
  // Every transitive downstream publish that is currently the latest version
  // of its (entity, name, type): what consumers use and would need updating if
  // `id` were republished.
  absl::StatusOr<std::vector<RelatedPublish>> StaleIfRepublished(int64_t id) const;

 private:
  struct PreparedRegister;  // publish_register.cc

  PublishStore(entities::EntityStore& store, PublishStoreOptions options);
  // A Register's work that needs no storage: the request's checks (the same
  // errors, in the same order, as before any storage check) and the
  // PublishedFile's data from the request alone. `request` must outlive the result.
  absl::StatusOr<PreparedRegister> PrepareRegister(const RegisterRequest& request, const std::string& prefix) const;
  // The rest of a Register, inside a write transaction.
  absl::StatusOr<Publish> ApplyRegister(sqlite::Transaction& txn, const PreparedRegister& prepared);
  absl::Status CheckExists(int64_t id) const;
  absl::StatusOr<std::vector<RelatedPublish>> Related(int64_t id, int depth, bool upstream, bool stale_only) const;

  entities::EntityStore& store_;
  const PublishStoreOptions options_;
  using RegisterQueue = sqlite::GroupCommit<PreparedRegister, Publish>;
  std::unique_ptr<RegisterQueue> register_queue_;
};

}  // namespace pipebridge::core::publishes

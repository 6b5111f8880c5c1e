// The ShotGrid-shaped entity store: one SQLite file per project store.
//
// Records are JSON objects {"type":"Shot","id":42,"code":"sh010",...}; links
// are {"type":"Sequence","id":3,"name":"sq010"} ("name" is the linked
// record's name field, added on output and ignored on input).
//
// Errors (absl::Status):
// - INVALID_ARGUMENT for bad input, naming the element by its request path:
//   `entity_type: unknown entity type "Shott"`, `filters[2][1]: unknown
//   relation "iss"`, `data.sg_sequence: expected an entity link
//   {"type":...,"id":...}, got a string`, `order[0].direction: ...`. A link in
//   data to a missing or retired record is INVALID_ARGUMENT too
//   (`data.sg_sequence: Sequence 999 does not exist`): the request's value is
//   wrong, the requested record is not missing.
// - NOT_FOUND when the record an operation targets (Get/Update/Delete/Revive
//   id) does not exist or is retired (Update/Get without retired mode).
// - FAILED_PRECONDITION at Open when the config changes a stored field's type.
// - UNAVAILABLE when another process holds the write lock too long; other
//   storage failures per sqlite_status.h. Messages never contain SQL or paths.
//
// Thread-safety: all methods may be called concurrently from any threads.
// Reads (Find, Get, Summarize) run on pooled WAL reader connections and never
// wait for writes; writes are serialised on one writer connection.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridge/core/entities/change.h"
#include "bridge/core/entities/entity_requests.h"
#include "bridge/core/entities/entity_schema.h"
#include "bridge/core/entities/prepared_create.h"
#include "bridge/core/sqlite/database.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

struct StoreOptions {
  Schema schema = Schema::Default();
  sqlite::OpenOptions database;
  // Time source for created_at/updated_at and in_last/in_next (tests pin it).
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class EntityStore {
 public:
  // Opens or creates the store at `path` (its folder must exist), creating or
  // migrating tables for `options.schema`.
  static absl::StatusOr<std::unique_ptr<EntityStore>> Open(const std::string& path,
                                                           StoreOptions options = {});
  ~EntityStore();

  const Schema& schema() const { return schema_; }
  // The shared database: publishes and events create their own tables in the
  // same file and write in the same transactions (see the *InTransaction
  // calls and ChangeListener).
  sqlite::Database& database() { return *database_; }

  // Replaces the listener called for every change, inside the transaction.
  // Pass nullptr to remove. Takes effect for writes that start afterwards.
  void SetChangeListener(ChangeListener listener);

  // --- Reads -------------------------------------------------------------
  absl::StatusOr<std::vector<nlohmann::json>> Find(const FindRequest& request) const;
  // NOT_FOUND `Shot 42 not found` when missing (or retired in kActive mode).
  absl::StatusOr<nlohmann::json> Get(const GetRequest& request) const;
  // ShotGrid summarize: {"summaries": {field: value}, "groups": [{"group_name",
  // "group_value", "summaries", "groups"?}]}.
  absl::StatusOr<nlohmann::json> Summarize(const SummarizeRequest& request) const;
  // Schema().ToJson(): types, fields, data types, link types, valid values.
  nlohmann::json SchemaJson() const { return schema_.ToJson(); }

  // --- Writes (each in its own transaction) -------------------------------
  // Returns the record with type, id, the fields in data and return_fields
  // (the fields in data as written, in canonical form, with link names).
  absl::StatusOr<nlohmann::json> Create(const CreateRequest& request);
  // Returns the record with type, id, the fields in data and return_fields.
  // Fields whose value does not change produce no change record; an update
  // that changes nothing writes nothing.
  absl::StatusOr<nlohmann::json> Update(const UpdateRequest& request);
  // ShotGrid delete: retires (restorable). true if retired now, false if it
  // already was. NOT_FOUND if the id never existed.
  absl::StatusOr<bool> Retire(const std::string& entity_type, int64_t id);
  // true if revived now, false if it was not retired. NOT_FOUND if missing.
  absl::StatusOr<bool> Revive(const std::string& entity_type, int64_t id);
  // All-or-nothing: one transaction; the first failing item's error is
  // returned with its index in the path (`requests[3].data.code: ...`) and
  // nothing is stored. Results per index: the record for create/update,
  // true/false for delete/revive (as Retire/Revive).
  absl::StatusOr<std::vector<nlohmann::json>> Batch(const std::vector<BatchItem>& requests);

  // --- The same writes inside a caller's transaction ------------------------
  // For modules that write their own rows atomically with entity changes
  // (e.g. register a publish). `txn` must come from database().Write().
  // `path_prefix` is prepended to error paths. The change listener is called.
  absl::StatusOr<nlohmann::json> CreateInTransaction(sqlite::Transaction& txn,
                                                     const CreateRequest& request,
                                                     const std::string& path_prefix = "");
  // A Create in two steps (prepared_create.h): PrepareCreate runs, on any
  // thread and outside any transaction, every check that needs no storage,
  // with Create's errors; the overload below then runs it inside `txn`.
  // `late_data` holds fields known only inside the transaction (a number
  // reserved in it, a link resolved in it): checked and normalised as data,
  // each replacing the prepared value of the same field; its error paths are
  // `<prefix>data.<field>` too.
  absl::StatusOr<PreparedCreate> PrepareCreate(const CreateRequest& request,
                                               const std::string& path_prefix = "",
                                               CreateReturns returns = CreateReturns::kRecord) const;
  absl::StatusOr<nlohmann::json> CreateInTransaction(
      sqlite::Transaction& txn, const PreparedCreate& prepared,
      const nlohmann::json& late_data = nlohmann::json::object());
  absl::StatusOr<nlohmann::json> UpdateInTransaction(sqlite::Transaction& txn,
                                                     const UpdateRequest& request,
                                                     const std::string& path_prefix = "");
  absl::StatusOr<bool> RetireInTransaction(sqlite::Transaction& txn, const std::string& entity_type,
                                           int64_t id, const std::string& path_prefix = "");
  absl::StatusOr<bool> ReviveInTransaction(sqlite::Transaction& txn, const std::string& entity_type,
                                           int64_t id, const std::string& path_prefix = "");
  // Find on the transaction's connection (sees its uncommitted writes).
  absl::StatusOr<std::vector<nlohmann::json>> FindInTransaction(sqlite::Transaction& txn,
                                                                const FindRequest& request) const;

 private:
  EntityStore(Schema schema, std::unique_ptr<sqlite::Database> database,
              std::function<absl::Time()> clock);
  absl::Status Notify(sqlite::Transaction& txn, const ChangeRecord& change);
  absl::StatusOr<bool> SetRetired(sqlite::Transaction& txn, const std::string& entity_type,
                                  int64_t id, bool retired, const std::string& path_prefix);

  const Schema schema_;
  std::unique_ptr<sqlite::Database> database_;
  std::function<absl::Time()> clock_;
  mutable std::mutex listener_mutex_;
  std::shared_ptr<const ChangeListener> listener_;
};

}  // namespace pipebridge::core::entities

// Request shapes of the entity store, one per EntityService operation.
//
// Field names in error messages follow these member names, so a transport
// that maps its own message 1:1 onto these structs gets meaningful paths
// (e.g. `filters[2][1]`, `order[0].direction`, `data.sg_sequence`).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace pipebridge::core::entities {

enum class RetiredMode {
  kActive,       // Default: retired records are invisible.
  kRetiredOnly,  // ShotGrid's retired_only=True.
  kIncludeRetired,
};

struct OrderBy {
  std::string field_name;          // May be dotted ("sg_sequence.Sequence.code").
  std::string direction = "asc";  // "asc" or "desc".
};

struct FindRequest {
  std::string entity_type;
  // A list of filters or a {"filter_operator","filters"} group (filter_compiler.h).
  nlohmann::json filters = nlohmann::json::array();
  std::string filter_operator = "all";  // Joins a top-level list: "all" or "any".
  // Output fields besides type and id (always returned). Empty: type and id
  // only (as ShotGrid). "*" expands to every field of the type. Dotted fields
  // through single links are allowed and returned under their dotted key.
  std::vector<std::string> fields;
  std::vector<OrderBy> order;  // Ties are always broken by id ascending.
  int64_t limit = 0;           // 0: no limit.
  int64_t page = 1;            // 1-based; needs a limit when above 1.
  RetiredMode retired = RetiredMode::kActive;
};

struct GetRequest {
  std::string entity_type;
  int64_t id = 0;
  std::vector<std::string> fields;  // Empty: every field (unlike Find).
  RetiredMode retired = RetiredMode::kActive;
};

struct CreateRequest {
  std::string entity_type;
  nlohmann::json data = nlohmann::json::object();  // field -> value
  // Returned besides type, id and the fields in data ("*" for all).
  std::vector<std::string> return_fields;
};

struct UpdateRequest {
  std::string entity_type;
  int64_t id = 0;
  nlohmann::json data = nlohmann::json::object();
  // multi_entity field -> "set" (default), "add" or "remove" (ShotGrid's
  // multi_entity_update_modes).
  std::map<std::string, std::string> multi_entity_update_modes;
  std::vector<std::string> return_fields;
};

// One element of a Batch: create, update, delete (retire) or revive.
struct BatchItem {
  enum class Kind { kCreate, kUpdate, kDelete, kRevive };
  Kind kind = Kind::kCreate;
  std::string entity_type;
  int64_t id = 0;  // update/delete/revive
  nlohmann::json data = nlohmann::json::object();
  std::map<std::string, std::string> multi_entity_update_modes;
  std::vector<std::string> return_fields;
};

struct SummaryField {
  std::string field;  // May be dotted.
  // record_count, count, count_distinct, sum, average, minimum, maximum,
  // earliest, latest, checked, unchecked.
  std::string type;
};

struct Grouping {
  std::string field;           // May be dotted.
  std::string type = "exact";  // exact; for date/date_time also day, month, year.
  std::string direction = "asc";
};

struct SummarizeRequest {
  std::string entity_type;
  nlohmann::json filters = nlohmann::json::array();
  std::string filter_operator = "all";
  std::vector<SummaryField> summary_fields;
  std::vector<Grouping> grouping;
  RetiredMode retired = RetiredMode::kActive;
};

}  // namespace pipebridge::core::entities

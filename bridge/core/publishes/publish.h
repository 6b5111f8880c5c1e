// The publish value types: what Register takes and what every read returns.
//
// A publish is a PublishedFile entity (visible to EntityService and
// ShotGrid-style tools) plus the publishes module's own rows (dependencies,
// version counters) in the same database file. These structs mirror
// proto/pipebridge/v1/publishes.proto field for field so the service layer maps
// them 1:1; error paths in INVALID_ARGUMENT messages use the same names
// (`context.entity`, `frame_range.first`, `dependencies[1].path`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::publishes {

struct FrameRange {
  int64_t first = 0;
  int64_t last = 0;
};

// A dependency given by publish id (id > 0) or by path (path non-empty);
// exactly one of the two.
struct DependencyRef {
  int64_t id = 0;
  std::string path;

  static DependencyRef ById(int64_t id) { return {id, ""}; }
  static DependencyRef ByPath(std::string path) { return {0, std::move(path)}; }
};

// Context as a JSON object of entity links:
//   {"project": {"type":"Project","id":1}, "entity": {"type":"Shot","id":42},
//    "step": {...}, "task": {...}, "user": {"type":"HumanUser","id":7}}
// `entity` is required, the others optional (null or absent). A missing
// project is taken from the entity's project field.
using ContextJson = nlohmann::json;

struct RegisterRequest {
  std::string path;          // Absolute path; a sequence keeps its frame token.
  std::string name;          // Version-less grouping, e.g. "hero_model".
  std::string publish_type;  // e.g. "Maya Scene", "Alembic Cache".
  int64_t version = 0;       // 0: reserve the next version now.
  ContextJson context = nlohmann::json::object();
  std::vector<DependencyRef> dependencies;
  std::string description;
  std::string checksum;  // "" or "sha256:<64 lowercase or uppercase hex digits>".
  int64_t size_bytes = 0;
  std::optional<FrameRange> frame_range;  // Image sequences.
  nlohmann::json metadata = nlohmann::json::object();  // A JSON object (or null).
  std::string template_name;  // When set, `path` must parse with this template.
  // Filled by the caller from the call's identity, not by the requester.
  std::string created_by;   // Login of the user registering.
  std::string source_host;  // HostService host id, when known.
};

struct Publish {
  int64_t id = 0;  // The PublishedFile entity id.
  std::string name;
  std::string publish_type;
  int64_t version = 0;
  std::string path;
  // Links as the entity store returns them ({"type","id","name"}); absent keys
  // for unset parts.
  ContextJson context = nlohmann::json::object();
  std::string description;
  std::string checksum;
  int64_t size_bytes = 0;
  std::optional<FrameRange> frame_range;
  std::vector<int64_t> dependency_ids;  // In the order given at Register.
  nlohmann::json metadata = nlohmann::json::object();
  std::string template_name;
  std::string created_by;
  absl::Time created_at = absl::InfinitePast();
  std::string source_host;
};

// A publish found by walking dependencies, `depth` hops from the queried one
// (1 = direct). A publish reachable by several routes is listed once, with its
// shortest hop count.
struct RelatedPublish {
  Publish publish;
  int depth = 0;
};

// (entity[, task], name, type): the key versions count within.
struct VersionKey {
  ContextJson context = nlohmann::json::object();  // entity required; task used when set.
  std::string name;
  std::string publish_type;
};

// A publish as JSON with the proto's field names (lowerCamel is the
// transport's business): {"id", "name", "publish_type", "version", "path",
// "context", "description", "checksum", "size_bytes", "frame_range"?,
// "dependency_ids", "metadata", "template", "created_by", "created_at"
// (RFC 3339 UTC), "source_host"}.
nlohmann::json PublishToJson(const Publish& publish);
nlohmann::json RelatedPublishToJson(const RelatedPublish& related);

}  // namespace pipebridge::core::publishes

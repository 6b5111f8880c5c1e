// The PublishedFile fields the publishes module needs beyond the default
// ShotGrid-like schema, and where each publish attribute is stored.
//
// Server setup: merge PublishesSchemaYaml() into the store's schema before
// EntityStore::Open (AddPublishesSchema does it); PublishStore::Open refuses a
// store whose PublishedFile type lacks any of these fields.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "bridge/core/entities/entity_schema.h"

namespace pipebridge::core::publishes {

// PublishedFile field names. The default schema provides code, name,
// description, project, entity, task, created_by, published_file_type,
// version_number, path, path_cache, checksum, upstream_published_files; the
// YAML below adds the rest.
namespace field {
inline constexpr const char* kCode = "code";  // File name of the path.
inline constexpr const char* kName = "name";
inline constexpr const char* kDescription = "description";
inline constexpr const char* kProject = "project";
inline constexpr const char* kEntity = "entity";
inline constexpr const char* kTask = "task";
inline constexpr const char* kUser = "created_by";  // context.user (HumanUser link)
inline constexpr const char* kPublishType = "published_file_type";
inline constexpr const char* kVersion = "version_number";
inline constexpr const char* kPathJson = "path";   // {"local_path": ..., "name": ...}
inline constexpr const char* kPath = "path_cache";  // The path as text (indexed).
inline constexpr const char* kChecksum = "checksum";
inline constexpr const char* kUpstream = "upstream_published_files";
// Added by PublishesSchemaYaml():
inline constexpr const char* kStep = "step";
inline constexpr const char* kSizeBytes = "size_bytes";
inline constexpr const char* kFirstFrame = "first_frame";
inline constexpr const char* kLastFrame = "last_frame";
inline constexpr const char* kMetadata = "metadata";
inline constexpr const char* kTemplate = "path_template";
inline constexpr const char* kCreatedByLogin = "created_by_login";
inline constexpr const char* kSourceHost = "source_host";
}  // namespace field

// Schema YAML (Schema::MergeYaml format) adding the fields above.
absl::string_view PublishesSchemaYaml();

// Merges PublishesSchemaYaml() into `schema`.
absl::Status AddPublishesSchema(entities::Schema& schema);

// FAILED_PRECONDITION naming the first missing or mistyped field.
absl::Status CheckPublishesSchema(const entities::Schema& schema);

}  // namespace pipebridge::core::publishes

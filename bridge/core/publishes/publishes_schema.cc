#include "bridge/core/publishes/publishes_schema.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace pipebridge::core::publishes {

using entities::FieldType;

absl::string_view PublishesSchemaYaml() {
  return R"yaml(
entity_types:
  PublishedFile:
    fields:
      step: {type: entity, link_types: [Step], display_name: Pipeline Step}
      size_bytes: {type: number, display_name: Size (bytes)}
      first_frame: {type: number, display_name: First Frame}
      last_frame: {type: number, display_name: Last Frame}
      metadata: {type: json, display_name: Metadata}
      path_template: {type: text, display_name: Path Template}
      created_by_login: {type: text, display_name: Created By (login), indexed: true}
      source_host: {type: text, display_name: Source Host}
)yaml";
}

absl::Status AddPublishesSchema(entities::Schema& schema) { return schema.MergeYaml(PublishesSchemaYaml()); }

absl::Status CheckPublishesSchema(const entities::Schema& schema) {
  const entities::EntityTypeSchema* type = schema.FindType("PublishedFile");
  if (type == nullptr) {
    return absl::FailedPreconditionError("the entity schema has no PublishedFile type");
  }
  const std::vector<std::pair<const char*, FieldType>> required = {
      {field::kCode, FieldType::kText},          {field::kName, FieldType::kText},
      {field::kDescription, FieldType::kText},   {field::kProject, FieldType::kEntity},
      {field::kEntity, FieldType::kEntity},      {field::kTask, FieldType::kEntity},
      {field::kUser, FieldType::kEntity},        {field::kPublishType, FieldType::kText},
      {field::kVersion, FieldType::kNumber},     {field::kPathJson, FieldType::kJson},
      {field::kPath, FieldType::kText},          {field::kChecksum, FieldType::kText},
      {field::kUpstream, FieldType::kMultiEntity}, {field::kStep, FieldType::kEntity},
      {field::kSizeBytes, FieldType::kNumber},   {field::kFirstFrame, FieldType::kNumber},
      {field::kLastFrame, FieldType::kNumber},   {field::kMetadata, FieldType::kJson},
      {field::kTemplate, FieldType::kText},      {field::kCreatedByLogin, FieldType::kText},
      {field::kSourceHost, FieldType::kText},
  };
  for (const auto& [name, data_type] : required) {
    const entities::FieldSchema* f = type->FindField(name);
    if (f == nullptr || f->type != data_type) {
      return absl::FailedPreconditionError(
          absl::StrCat("PublishedFile.", name, " is missing or has another data type: merge PublishesSchemaYaml() ",
                       "into the store's schema"));
    }
  }
  return absl::OkStatus();
}

}  // namespace pipebridge::core::publishes

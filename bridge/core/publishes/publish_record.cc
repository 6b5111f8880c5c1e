#include "bridge/core/publishes/publish_record.h"

#include <utility>

#include "absl/time/time.h"
#include "bridge/core/publishes/publishes_schema.h"

namespace pipebridge::core::publishes {

using nlohmann::json;

namespace {

std::string Text(const json& record, const char* name) {
  auto it = record.find(name);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Number(const json& record, const char* name) {
  auto it = record.find(name);
  return it != record.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool Has(const json& record, const char* name) {
  auto it = record.find(name);
  return it != record.end() && !it->is_null();
}

}  // namespace

std::string FileNameOf(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && (trimmed.back() == '/' || trimmed.back() == '\\')) trimmed.pop_back();
  const size_t slash = trimmed.find_last_of("/\\");
  return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

json PublishedFileData(const RegisterRequest& request) {
  json data = {
      {field::kCode, FileNameOf(request.path)},
      {field::kName, request.name},
      {field::kPublishType, request.publish_type},
      {field::kPathJson, {{"local_path", request.path}, {"name", FileNameOf(request.path)}}},
      {field::kPath, request.path},
      {field::kSizeBytes, request.size_bytes},
      {field::kMetadata, request.metadata.is_null() ? json::object() : request.metadata},
  };
  auto set_text = [&data](const char* name, const std::string& value) {
    if (!value.empty()) data[name] = value;
  };
  set_text(field::kDescription, request.description);
  set_text(field::kChecksum, request.checksum);
  set_text(field::kTemplate, request.template_name);
  set_text(field::kCreatedByLogin, request.created_by);
  set_text(field::kSourceHost, request.source_host);
  if (request.frame_range.has_value()) {
    data[field::kFirstFrame] = request.frame_range->first;
    data[field::kLastFrame] = request.frame_range->last;
  }
  return data;
}

json PublishedFileLinks(const ContextLinks& context, int64_t version, const std::vector<int64_t>& dependency_ids) {
  json upstream = json::array();
  for (int64_t id : dependency_ids) upstream.push_back({{"type", "PublishedFile"}, {"id", id}});
  json data = {
      {field::kVersion, version},
      {field::kEntity, context.entity.ToJson()},
      {field::kUpstream, std::move(upstream)},
  };
  auto set_if = [&data](const char* name, const json& value) {
    if (!value.is_null()) data[name] = value;
  };
  set_if(field::kProject, context.project.ToJson());
  set_if(field::kTask, context.task.ToJson());
  set_if(field::kStep, context.step.ToJson());
  set_if(field::kUser, context.user.ToJson());
  return data;
}

const std::vector<std::string>& PublishedFileFields() {
  static const std::vector<std::string> kFields = {
      field::kName,      field::kPublishType, field::kVersion,    field::kPath,       field::kProject,
      field::kEntity,    field::kStep,        field::kTask,       field::kUser,       field::kDescription,
      field::kChecksum,  field::kSizeBytes,   field::kFirstFrame, field::kLastFrame,  field::kMetadata,
      field::kTemplate,  field::kCreatedByLogin, field::kSourceHost, "created_at"};
  return kFields;
}

namespace {

absl::Time ParseCreatedAt(const std::string& text) {
  std::string error;
  absl::Time created;
  return absl::ParseTime(absl::RFC3339_full, text, &created, &error) ? created : absl::InfinitePast();
}

}  // namespace

Publish RegisteredPublish(const RegisterRequest& request, const ContextLinks& context, int64_t id, int64_t version,
                          const std::string& created_at, std::vector<int64_t> dependency_ids) {
  Publish publish;
  publish.id = id;
  publish.name = request.name;
  publish.publish_type = request.publish_type;
  publish.version = version;
  publish.path = request.path;
  publish.context = json::object();
  const std::pair<const char*, const ContextLink*> links[] = {{"project", &context.project},
                                                              {"entity", &context.entity},
                                                              {"step", &context.step},
                                                              {"task", &context.task},
                                                              {"user", &context.user}};
  for (const auto& [key, link] : links) {
    if (link->set()) publish.context[key] = link->ToJsonWithName();
  }
  publish.description = request.description;
  publish.checksum = request.checksum;
  publish.size_bytes = request.size_bytes;
  publish.frame_range = request.frame_range;
  publish.metadata = request.metadata.is_object() ? request.metadata : json::object();
  publish.template_name = request.template_name;
  publish.created_by = request.created_by;
  publish.source_host = request.source_host;
  publish.created_at = ParseCreatedAt(created_at);
  publish.dependency_ids = std::move(dependency_ids);
  return publish;
}

Publish PublishFromRecord(const json& record) {
  Publish publish;
  publish.id = Number(record, "id");
  publish.name = Text(record, field::kName);
  publish.publish_type = Text(record, field::kPublishType);
  publish.version = Number(record, field::kVersion);
  publish.path = Text(record, field::kPath);
  publish.context = json::object();
  const std::pair<const char*, const char*> links[] = {{"project", field::kProject},
                                                       {"entity", field::kEntity},
                                                       {"step", field::kStep},
                                                       {"task", field::kTask},
                                                       {"user", field::kUser}};
  for (const auto& [key, name] : links) {
    if (Has(record, name)) publish.context[key] = record[name];
  }
  publish.description = Text(record, field::kDescription);
  publish.checksum = Text(record, field::kChecksum);
  publish.size_bytes = Number(record, field::kSizeBytes);
  if (Has(record, field::kFirstFrame) && Has(record, field::kLastFrame)) {
    publish.frame_range = FrameRange{Number(record, field::kFirstFrame), Number(record, field::kLastFrame)};
  }
  auto metadata = record.find(field::kMetadata);
  publish.metadata = metadata != record.end() && metadata->is_object() ? *metadata : json::object();
  publish.template_name = Text(record, field::kTemplate);
  publish.created_by = Text(record, field::kCreatedByLogin);
  publish.source_host = Text(record, field::kSourceHost);
  publish.created_at = ParseCreatedAt(Text(record, "created_at"));
  return publish;
}

}  // namespace pipebridge::core::publishes

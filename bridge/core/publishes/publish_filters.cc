#include "bridge/core/publishes/publish_filters.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bridge/core/publishes/publishes_schema.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::publishes {

using nlohmann::json;

namespace {

const std::map<std::string, std::string>& ScalarFields() {
  static const std::map<std::string, std::string> kFields = {
      {"id", "id"},
      {"name", field::kName},
      {"publish_type", field::kPublishType},
      {"version", field::kVersion},
      {"path", field::kPath},
      {"description", field::kDescription},
      {"checksum", field::kChecksum},
      {"size_bytes", field::kSizeBytes},
      {"template", field::kTemplate},
      {"created_by", field::kCreatedByLogin},
      {"created_at", "created_at"},
      {"source_host", field::kSourceHost},
      {"frame_range.first", field::kFirstFrame},
      {"frame_range.last", field::kLastFrame},
  };
  return kFields;
}

const std::map<std::string, std::string>& LinkFields() {
  static const std::map<std::string, std::string> kFields = {
      {"project", field::kProject}, {"entity", field::kEntity}, {"step", field::kStep},
      {"task", field::kTask},       {"user", field::kUser},
  };
  return kFields;
}

absl::StatusOr<json> TranslateGroup(const json& filters, const std::string& path);

absl::StatusOr<json> TranslateOne(const json& filter, const std::string& path) {
  if (filter.is_object()) {
    json out = filter;
    auto inner = filter.find("filters");
    if (inner != filter.end()) {
      PB_ASSIGN_OR_RETURN(out["filters"], TranslateGroup(*inner, path + ".filters"));
    }
    return out;
  }
  if (!filter.is_array() || filter.empty() || !filter[0].is_string()) return filter;  // The store reports it.
  json out = filter;
  PB_ASSIGN_OR_RETURN(std::string mapped, PublishedFileField(filter[0].get<std::string>(), path + "[0]"));
  out[0] = mapped;
  return out;
}

absl::StatusOr<json> TranslateGroup(const json& filters, const std::string& path) {
  if (!filters.is_array()) return filters;
  json out = json::array();
  for (size_t i = 0; i < filters.size(); ++i) {
    PB_ASSIGN_OR_RETURN(json one, TranslateOne(filters[i], absl::StrCat(path, "[", i, "]")));
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> PublishedFileField(const std::string& publish_field, const std::string& path) {
  auto scalar = ScalarFields().find(publish_field);
  if (scalar != ScalarFields().end()) return scalar->second;
  const size_t dot = publish_field.find('.');
  auto link = LinkFields().find(publish_field.substr(0, dot));
  if (link != LinkFields().end()) {
    return dot == std::string::npos ? link->second : absl::StrCat(link->second, publish_field.substr(dot));
  }
  if (absl::StartsWith(publish_field, "metadata.")) {
    // A key inside the metadata object: the entity store filters and orders json keys.
    return absl::StrCat(field::kMetadata, publish_field.substr(std::string("metadata").size()));
  }
  if (publish_field == "metadata") {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": filter on a key of the metadata (\"metadata.<key>\"), not on the whole object"));
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ": unknown publish field \"", publish_field, "\""));
}

absl::StatusOr<json> TranslateFilters(const json& filters, const std::string& path) {
  if (filters.is_object()) return TranslateOne(filters, path);
  return TranslateGroup(filters, path);
}

}  // namespace pipebridge::core::publishes

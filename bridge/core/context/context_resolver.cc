#include "bridge/core/context/context_resolver.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::context {
namespace {

using nlohmann::json;

bool IsLink(const json& value) { return value.is_object() && value.contains("type") && value.contains("id"); }

json Slim(const json& link) {
  json out = {{"type", link["type"]}, {"id", link["id"]}};
  if (link.contains("name") && !link["name"].is_null()) out["name"] = link["name"];
  return out;
}

}  // namespace

absl::StatusOr<json> ContextResolver::Record(const json& link) const {
  entities::GetRequest get;
  get.entity_type = link["type"].get<std::string>();
  get.id = link["id"].get<int64_t>();
  return store_.Get(get);
}

json ContextResolver::LinkTo(const json& record) const {
  json link = {{"type", record["type"]}, {"id", record["id"]}};
  if (const auto* type = store_.schema().FindType(record["type"].get<std::string>())) {
    auto name = record.find(type->name_field);
    if (name != record.end() && name->is_string()) link["name"] = *name;
  }
  return link;
}

absl::StatusOr<json> ContextResolver::ProjectLink() const {
  entities::FindRequest find;
  find.entity_type = "Project";
  find.fields = {"name"};
  find.limit = 1;
  PB_ASSIGN_OR_RETURN(auto projects, store_.Find(find));
  if (projects.empty()) return json();
  return LinkTo(projects[0]);
}

absl::StatusOr<Context> ContextResolver::FromEntity(const json& link) const {
  PB_RETURN_IF_ERROR(ValidateLink(link, "entity"));
  PB_ASSIGN_OR_RETURN(json record, Record(link));
  const std::string type = record["type"].get<std::string>();
  Context context;
  auto linked = [&](const char* field) -> json {
    auto it = record.find(field);
    return it != record.end() && IsLink(*it) ? Slim(*it) : json();
  };
  if (type == "Project") {
    context.project = LinkTo(record);
    return context;
  }
  if (type == "HumanUser") {
    context.user = LinkTo(record);
    return context;
  }
  if (type == "Step") {
    context.step = LinkTo(record);
    return context;
  }
  context.project = linked("project");
  if (type == "Task") {
    context.task = LinkTo(record);
    context.step = linked("step");
    context.entity = linked("entity");
  } else if (type == "PublishedFile" || type == "Version") {
    context.entity = linked("entity");
    context.task = linked("task");
  } else {
    context.entity = LinkTo(record);
  }
  // The entity's own parents (a Shot's Sequence) travel along, as Toolkit contexts do.
  if (!context.entity.is_null() && !(context.entity == LinkTo(record))) {
    PB_ASSIGN_OR_RETURN(record, Record(context.entity));
  }
  if (!context.entity.is_null()) {
    for (const auto& [field, value] : record.items()) {
      if (!IsLink(value)) continue;
      const auto linked_type = value["type"].get<std::string>();
      // Parents only (a Shot's Sequence), not people, steps or the project itself.
      if (linked_type == "Project" || linked_type == "HumanUser" || linked_type == "Step" ||
          linked_type == "Task") {
        continue;
      }
      context.additional_entities.push_back(Slim(value));
    }
  }
  return context;
}

absl::StatusOr<PathContext> ContextResolver::FromPath(const std::string& path) const {
  if (templates_ == nullptr) {
    return absl::FailedPreconditionError("this bridge has no templates.yml to read paths with");
  }
  bool under_root = false;
  for (const auto& [name, root] : templates_->roots()) {
    under_root = under_root || path == root || absl::StartsWith(path, root + "/");
  }
  if (!under_root) {
    return absl::InvalidArgumentError("path: not under any storage root of the project");
  }
  PathContext result;
  PB_ASSIGN_OR_RETURN(result.context.project, ProjectLink());
  PB_ASSIGN_OR_RETURN(auto matches, templates_->Match(path));
  if (matches.empty()) return result;
  const auto& best = matches.front();
  result.template_name = best.tmpl->name();
  result.fields = best.fields;

  // Keys standing for the same entity type combine into one lookup (Asset by code and
  // sg_asset_type), in the order the template names them.
  std::vector<std::string> types;
  std::map<std::string, json> filters;
  std::map<std::string, std::string> key_of_type;
  for (const auto* key : best.tmpl->keys()) {
    const auto& settings = key->settings();
    if (settings.shotgun_entity_type.empty() || settings.shotgun_field_name.empty()) continue;
    auto value = best.fields.find(key->name());
    if (value == best.fields.end()) continue;
    const std::string& type = settings.shotgun_entity_type;
    if (!filters.count(type)) {
      types.push_back(type);
      filters[type] = json::array();
      key_of_type[type] = key->name();
    }
    filters[type].push_back(json::array({settings.shotgun_field_name, "is", *value}));
  }
  for (const auto& type : types) {
    entities::FindRequest find;
    find.entity_type = type;
    find.filters = filters[type];
    const auto* schema = store_.schema().FindType(type);
    if (schema == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat("template key ", key_of_type[type],
                                                        " names entity type ", type,
                                                        ", which the store does not have"));
    }
    if (!result.context.project.is_null() && schema->FindField("project") != nullptr) {
      find.filters.push_back(json::array({"project", "is", Slim(result.context.project)}));
    }
    find.fields = {schema->name_field};
    find.limit = 2;
    PB_ASSIGN_OR_RETURN(auto found, store_.Find(find));
    if (found.empty()) {
      return absl::NotFoundError(absl::StrCat("path: ", type, " \"",
                                              result.fields[key_of_type[type]].dump(),
                                              "\" (key ", key_of_type[type], ") does not exist in the project"));
    }
    json link = LinkTo(found[0]);
    if (type == "Step") result.context.step = link;
    else if (type == "Task") result.context.task = link;
    else if (type == "HumanUser") result.context.user = link;
    else if (type == "Project") result.context.project = link;
    else {
      // The deepest entity key is the entity worked on; the ones above it travel along.
      if (!result.context.entity.is_null()) result.context.additional_entities.push_back(result.context.entity);
      result.context.entity = link;
    }
  }
  return result;
}

absl::StatusOr<json> ContextResolver::ToFields(const Context& context, const std::string& template_name) const {
  if (templates_ == nullptr) {
    return absl::FailedPreconditionError("this bridge has no templates.yml to fill fields for");
  }
  std::set<std::string> wanted;
  if (!template_name.empty()) {
    PB_ASSIGN_OR_RETURN(const auto* tmpl, templates_->Get(template_name));
    for (const auto* key : tmpl->keys()) wanted.insert(key->settings().config_name);
  }
  // The context's records, then the records they link to (one hop), first of each type wins.
  std::map<std::string, json> by_type;
  std::vector<json> records;
  for (const auto& link : context.Links()) {
    PB_ASSIGN_OR_RETURN(json record, Record(link));
    by_type.emplace(record["type"].get<std::string>(), record);
    records.push_back(std::move(record));
  }
  for (const auto& record : records) {
    for (const auto& [field, value] : record.items()) {
      if (field == "project" || !IsLink(value) || by_type.count(value["type"].get<std::string>())) continue;
      auto linked = Record(value);
      if (linked.ok()) by_type.emplace(value["type"].get<std::string>(), *linked);
    }
  }
  json fields = json::object();
  for (const auto& key : templates_->keys()) {
    const auto& settings = key->settings();
    if (settings.shotgun_entity_type.empty() || settings.shotgun_field_name.empty()) continue;
    if (!wanted.empty() && !wanted.count(settings.config_name)) continue;
    auto record = by_type.find(settings.shotgun_entity_type);
    if (record == by_type.end()) continue;
    auto value = record->second.find(settings.shotgun_field_name);
    if (value == record->second.end() || value->is_null()) continue;
    fields[key->name()] = *value;
  }
  return fields;
}

}  // namespace pipebridge::core::context

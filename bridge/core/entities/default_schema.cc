// The built-in entity types, close to a fresh ShotGrid site's defaults.
#include <utility>

#include "bridge/core/entities/entity_schema.h"

namespace pipebridge::core::entities {
namespace {

FieldSchema Text(std::string name, std::string display, bool indexed = false) {
  FieldSchema f;
  f.name = std::move(name);
  f.display_name = std::move(display);
  f.type = FieldType::kText;
  f.indexed = indexed;
  return f;
}

FieldSchema Of(FieldType type, std::string name, std::string display) {
  FieldSchema f = Text(std::move(name), std::move(display));
  f.type = type;
  return f;
}

FieldSchema Link(std::string name, std::string display, std::vector<std::string> types) {
  FieldSchema f = Of(FieldType::kEntity, std::move(name), std::move(display));
  f.link_types = std::move(types);
  return f;
}

FieldSchema MultiLink(std::string name, std::string display, std::vector<std::string> types) {
  FieldSchema f = Of(FieldType::kMultiEntity, std::move(name), std::move(display));
  f.link_types = std::move(types);
  return f;
}

FieldSchema List(std::string name, std::string display, std::vector<std::string> values) {
  FieldSchema f = Of(FieldType::kList, std::move(name), std::move(display));
  f.valid_values = std::move(values);
  return f;
}

const std::vector<std::string> kWorkStatuses = {"wtg", "rdy", "ip", "rev", "hld", "omt", "fin"};

EntityTypeSchema Type(std::string name, std::string name_field, std::vector<FieldSchema> fields) {
  EntityTypeSchema type;
  type.name = name;
  type.display_name = std::move(name);
  type.name_field = std::move(name_field);
  type.fields = SystemFields();
  for (FieldSchema& f : fields) {
    if (f.name == type.name_field) f.indexed = true;
    type.fields.push_back(std::move(f));
  }
  return type;
}

}  // namespace

Schema Schema::Default() {
  std::vector<EntityTypeSchema> types;
  types.push_back(Type("Project", "name",
                       {Text("name", "Project Name"), Text("code", "Code", true),
                        Text("tank_name", "Tank Name"), Text("sg_description", "Description"),
                        List("sg_status", "Status", {"Active", "Bidding", "Archive", "Lost"}),
                        Of(FieldType::kDate, "start_date", "Start Date"),
                        Of(FieldType::kDate, "end_date", "End Date")}));
  types.push_back(Type("Sequence", "code",
                       {Text("code", "Sequence Name"), Text("description", "Description"),
                        List("sg_status_list", "Status", kWorkStatuses),
                        Link("project", "Project", {"Project"})}));
  types.push_back(Type("Shot", "code",
                       {Text("code", "Shot Code"), Text("description", "Description"),
                        List("sg_status_list", "Status", kWorkStatuses),
                        Link("project", "Project", {"Project"}),
                        Link("sg_sequence", "Sequence", {"Sequence"}),
                        Of(FieldType::kNumber, "sg_cut_in", "Cut In"),
                        Of(FieldType::kNumber, "sg_cut_out", "Cut Out"),
                        Of(FieldType::kNumber, "sg_cut_order", "Cut Order"),
                        MultiLink("assets", "Assets", {"Asset"})}));
  types.push_back(Type("Asset", "code",
                       {Text("code", "Asset Name"), Text("description", "Description"),
                        List("sg_status_list", "Status", kWorkStatuses),
                        Link("project", "Project", {"Project"}),
                        List("sg_asset_type", "Type",
                             {"Character", "Prop", "Environment", "Vehicle", "FX",
                              "Matte Painting", "Graphic"})}));
  types.push_back(Type("Step", "code",
                       {Text("code", "Step Name"), Text("short_name", "Short Name", true),
                        Text("description", "Description"),
                        List("entity_type", "Entity Type", {"Shot", "Asset", "Sequence", "Project"}),
                        Text("color", "Color"), Of(FieldType::kNumber, "list_order", "Order")}));
  types.push_back(Type("Task", "content",
                       {Text("content", "Task Name"), Text("sg_description", "Description"),
                        List("sg_status_list", "Status", kWorkStatuses),
                        Link("project", "Project", {"Project"}),
                        Link("entity", "Link", {"Shot", "Asset", "Sequence", "Project"}),
                        Link("step", "Pipeline Step", {"Step"}),
                        MultiLink("task_assignees", "Assigned To", {"HumanUser"}),
                        Of(FieldType::kDate, "start_date", "Start Date"),
                        Of(FieldType::kDate, "due_date", "Due Date"),
                        Of(FieldType::kNumber, "duration", "Duration (minutes)"),
                        Of(FieldType::kFloat, "sg_priority", "Priority")}));
  types.push_back(Type("HumanUser", "name",
                       {Text("name", "Name"), Text("login", "Login", true), Text("email", "Email"),
                        Text("department", "Department"),
                        List("sg_status_list", "Status", {"act", "dis"}),
                        Of(FieldType::kBool, "sg_is_admin", "Admin")}));
  types.push_back(Type("Version", "code",
                       {Text("code", "Version Name"), Text("description", "Description"),
                        List("sg_status_list", "Status", {"na", "rev", "vwd", "apr", "rej"}),
                        Link("project", "Project", {"Project"}),
                        Link("entity", "Link", {"Shot", "Asset", "Sequence", "Project"}),
                        Link("sg_task", "Task", {"Task"}), Link("user", "Artist", {"HumanUser"}),
                        Text("sg_path_to_frames", "Path to Frames"),
                        Text("sg_path_to_movie", "Path to Movie"),
                        Of(FieldType::kNumber, "sg_first_frame", "First Frame"),
                        Of(FieldType::kNumber, "sg_last_frame", "Last Frame"),
                        Of(FieldType::kFloat, "frame_rate", "Frame Rate")}));
  types.push_back(Type("PublishedFile", "code",
                       {Text("code", "Published File Name"), Text("name", "Name", true),
                        Text("description", "Description"),
                        List("sg_status_list", "Status", {"wtg", "ip", "cmpt", "apr", "rej"}),
                        Link("project", "Project", {"Project"}),
                        Link("entity", "Link", {"Shot", "Asset", "Sequence", "Project"}),
                        Link("task", "Task", {"Task"}), Link("version", "Version", {"Version"}),
                        Link("created_by", "Created By", {"HumanUser"}),
                        Text("published_file_type", "Published File Type", true),
                        Of(FieldType::kNumber, "version_number", "Version Number"),
                        Of(FieldType::kJson, "path", "Path"),
                        Text("path_cache", "Path Cache", true),
                        Text("checksum", "Checksum"),
                        MultiLink("upstream_published_files", "Upstream Published Files",
                                  {"PublishedFile"})}));
  Schema schema;
  for (EntityTypeSchema& type : types) (void)schema.AddType(std::move(type));
  return schema;
}

}  // namespace pipebridge::core::entities

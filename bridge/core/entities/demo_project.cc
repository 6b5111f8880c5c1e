#include "bridge/core/entities/demo_project.h"

#include <map>
#include <string>
#include <vector>

#include "bridge/core/status_macros.h"

namespace pipebridge::core::entities {
namespace {

using nlohmann::json;

json Link(const std::string& type, int64_t id) { return {{"type", type}, {"id", id}}; }

}  // namespace

absl::StatusOr<DemoProject> SeedDemoProject(EntityStore& store) {
  DemoProject result;
  absl::Status written = store.database().Write([&](sqlite::Transaction& txn) -> absl::Status {
    // Checked inside the write transaction so two concurrent seeds cannot both create.
    FindRequest existing;
    existing.entity_type = "Project";
    existing.filters = json::array({json::array({"code", "is", "demo"})});
    existing.retired = RetiredMode::kIncludeRetired;
    existing.limit = 1;
    PB_ASSIGN_OR_RETURN(std::vector<json> found, store.FindInTransaction(txn, existing));
    if (!found.empty()) {
      result.project_id = found[0]["id"].get<int64_t>();
      return absl::OkStatus();
    }
    auto create = [&](const std::string& type, json data) -> absl::StatusOr<int64_t> {
      PB_ASSIGN_OR_RETURN(json record, store.CreateInTransaction(txn, {type, std::move(data), {}}));
      return record["id"].get<int64_t>();
    };
    PB_ASSIGN_OR_RETURN(int64_t project,
                        create("Project", {{"name", "Demo"}, {"code", "demo"}, {"tank_name", "demo"},
                                           {"sg_status", "Active"},
                                           {"sg_description", "pipebridge demo project"}}));
    json p = Link("Project", project);

    std::map<std::string, int64_t> users;
    const std::vector<std::vector<std::string>> user_specs = {
        {"ada", "Ada Lovelace", "ada@example.com", "Animation"},
        {"ben", "Ben Okafor", "ben@example.com", "Lighting"},
        {"chloe", "Chloé Martin", "chloe@example.com", "Assets"}};
    for (const auto& u : user_specs) {
      PB_ASSIGN_OR_RETURN(users[u[0]], create("HumanUser", {{"login", u[0]}, {"name", u[1]}, {"email", u[2]},
                                                            {"department", u[3]}, {"sg_status_list", "act"}}));
    }

    std::map<std::string, int64_t> steps;
    const std::vector<std::vector<std::string>> step_specs = {
        {"model", "MOD", "Asset", "#4a90d9"},   {"rig", "RIG", "Asset", "#7b68ee"},
        {"surfacing", "SRF", "Asset", "#50c878"}, {"layout", "LAY", "Shot", "#f5a623"},
        {"anim", "ANM", "Shot", "#d0021b"},     {"lighting", "LGT", "Shot", "#f8e71c"},
        {"comp", "CMP", "Shot", "#9013fe"}};
    int order = 0;
    for (const auto& s : step_specs) {
      PB_ASSIGN_OR_RETURN(steps[s[0]], create("Step", {{"code", s[0]}, {"short_name", s[1]}, {"entity_type", s[2]},
                                                       {"color", s[3]}, {"list_order", ++order}}));
    }

    std::map<std::string, int64_t> assets;
    const std::vector<std::vector<std::string>> asset_specs = {
        {"hero", "Character", "The hero, a small robot"},
        {"villain", "Character", "A rusty crane"},
        {"lantern", "Prop", "Hand-held oil lantern"},
        {"toolbox", "Prop", "Hero's toolbox"},
        {"junkyard", "Environment", "Night-time junkyard"}};
    for (const auto& a : asset_specs) {
      PB_ASSIGN_OR_RETURN(assets[a[0]], create("Asset", {{"code", a[0]}, {"sg_asset_type", a[1]}, {"description", a[2]},
                                                         {"project", p}, {"sg_status_list", "ip"}}));
    }

    PB_ASSIGN_OR_RETURN(int64_t sq010, create("Sequence", {{"code", "sq010"}, {"description", "Arrival"},
                                                            {"project", p}, {"sg_status_list", "ip"}}));
    PB_ASSIGN_OR_RETURN(int64_t sq020, create("Sequence", {{"code", "sq020"}, {"description", "The chase"},
                                                            {"project", p}, {"sg_status_list", "wtg"}}));
    struct ShotSpec {
      const char* code;
      int64_t sequence;
      int cut_in;
      int cut_out;
      const char* status;
      std::vector<std::string> assets;
    };
    // Codes are alphanumeric: the demo templates' Shot key (filter_by alphanumeric) reads them.
    const std::vector<ShotSpec> shot_specs = {
        {"sh010", sq010, 1001, 1048, "fin", {"junkyard"}},
        {"sh020", sq010, 1001, 1072, "ip", {"hero", "junkyard"}},
        {"sh030", sq010, 1001, 1036, "ip", {"hero", "lantern"}},
        {"sh040", sq020, 1001, 1060, "rdy", {"hero", "villain"}},
        {"sh050", sq020, 1001, 1024, "wtg", {"villain", "toolbox"}},
        {"sh060", sq020, 1001, 1090, "wtg", {"hero", "villain", "junkyard"}}};
    std::vector<int64_t> shots;
    int cut_order = 0;
    for (const ShotSpec& s : shot_specs) {
      json linked = json::array();
      for (const std::string& a : s.assets) linked.push_back(Link("Asset", assets[a]));
      PB_ASSIGN_OR_RETURN(int64_t shot, create("Shot", {{"code", s.code}, {"project", p},
                                                        {"sg_sequence", Link("Sequence", s.sequence)},
                                                        {"sg_cut_in", s.cut_in}, {"sg_cut_out", s.cut_out},
                                                        {"sg_cut_order", ++cut_order},
                                                        {"sg_status_list", s.status}, {"assets", linked}}));
      shots.push_back(shot);
    }

    struct TaskSpec {
      const char* content;
      json entity;
      const char* step;
      const char* user;
      const char* status;
    };
    const std::vector<TaskSpec> task_specs = {
        {"Model", Link("Asset", assets["hero"]), "model", "chloe", "fin"},
        {"Rig", Link("Asset", assets["hero"]), "rig", "chloe", "ip"},
        {"Surfacing", Link("Asset", assets["junkyard"]), "surfacing", "chloe", "ip"},
        {"Layout", Link("Shot", shots[1]), "layout", "ada", "fin"},
        {"Animation", Link("Shot", shots[1]), "anim", "ada", "ip"},
        {"Animation", Link("Shot", shots[2]), "anim", "ada", "wtg"},
        {"Lighting", Link("Shot", shots[0]), "lighting", "ben", "fin"},
        {"Comp", Link("Shot", shots[0]), "comp", "ben", "rev"}};
    for (const TaskSpec& t : task_specs) {
      PB_RETURN_IF_ERROR(create("Task", {{"content", t.content}, {"project", p}, {"entity", t.entity},
                                         {"step", Link("Step", steps[t.step])},
                                         {"task_assignees", json::array({Link("HumanUser", users[t.user])})},
                                         {"sg_status_list", t.status}})
                             .status());
    }
    result.project_id = project;
    result.created = true;
    return absl::OkStatus();
  });
  if (!written.ok()) return written;
  return result;
}

}  // namespace pipebridge::core::entities

#include "bridge/core/templates/templates_yaml_loader.h"
#include "bridge/core/templates/absl_string_view.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bridge/core/status_macros.h"
#include "bridge/core/templates/definition_syntax.h"
#include "bridge/core/templates/template_ambiguity.h"
#include "yaml-cpp/yaml.h"

namespace pipebridge::core::templates {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One entry of a section and the file it came from (for error messages).
struct Entry {
  YAML::Node node;
  std::string file;
};

struct Sections {
  std::map<std::string, Entry> keys, paths, strings, aliases;
  std::vector<std::string> warnings;
};

class FileReader {
 public:
  explicit FileReader(fs::path main_dir) : main_dir_(std::move(main_dir)) {}

  // Reads one file and, first, everything it includes.
  absl::Status Read(const fs::path& file, const std::string& display, Sections* out) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(file, ec);
    const std::string id = ec ? file.string() : canonical.string();
    for (size_t i = 0; i < stack_ids_.size(); ++i) {
      if (stack_ids_[i] == id) {
        std::vector<std::string> cycle(stack_names_.begin() + i, stack_names_.end());
        cycle.push_back(display);
        return absl::InvalidArgumentError(Cat("include cycle: ", absl::StrJoin(cycle, " -> ")));
      }
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return absl::InvalidArgumentError(Cat(display, ": cannot be read"));
    std::stringstream buffer;
    buffer << in.rdbuf();

    YAML::Node root;
    try {
      root = YAML::Load(buffer.str());
    } catch (const YAML::Exception& e) {
      return absl::InvalidArgumentError(Cat(display, ":", e.mark.line + 1, ":", e.mark.column + 1,
                                                     ": YAML syntax error: ", e.msg));
    }
    if (!root || root.IsNull()) return absl::OkStatus();
    if (!root.IsMap()) {
      return absl::InvalidArgumentError(Cat(display, ": the top level must be a mapping of sections "
                                                              "(keys, paths, strings, include, ...)"));
    }
    stack_ids_.push_back(id);
    stack_names_.push_back(display);

    // Includes first, so that this file's entries override theirs.
    std::vector<std::string> includes;
    for (const char* section : {"include", "includes"}) {
      const YAML::Node node = root[section];
      if (!node || node.IsNull()) continue;
      if (node.IsScalar()) {
        includes.push_back(node.as<std::string>());
      } else if (node.IsSequence()) {
        for (const auto& item : node) {
          if (!item.IsScalar()) {
            return absl::InvalidArgumentError(Cat(display, ": ", section, " must list file names"));
          }
          includes.push_back(item.as<std::string>());
        }
      } else {
        return absl::InvalidArgumentError(Cat(display, ": ", section, " must be a file name or a list"));
      }
    }
    for (const std::string& include : includes) {
      fs::path target(include);
      if (target.is_relative()) target = file.parent_path() / target;
      target = target.lexically_normal();
      std::string child_display = target.lexically_relative(main_dir_).generic_string();
      if (child_display.empty() || child_display.rfind("..", 0) == 0) child_display = include;
      if (!fs::is_regular_file(target, ec)) {
        return absl::InvalidArgumentError(
            Cat(display, ": include '", include, "' not found (relative paths are read from the folder of ",
                         display, ")"));
      }
      PB_RETURN_IF_ERROR(Read(target, child_display, out));
    }

    for (const auto& item : root) {
      const std::string section = item.first.as<std::string>();
      std::map<std::string, Entry>* target = nullptr;
      if (section == "keys") target = &out->keys;
      if (section == "paths") target = &out->paths;
      if (section == "strings") target = &out->strings;
      if (section == "aliases") target = &out->aliases;
      if (section == "include" || section == "includes") continue;
      if (target == nullptr) {
        out->warnings.push_back(Cat(display, ": section '", section, "' is not a templates.yml section; ignored"));
        continue;
      }
      if (!item.second || item.second.IsNull()) continue;
      if (!item.second.IsMap()) {
        return absl::InvalidArgumentError(Cat(display, ": section '", section, "' must be a mapping"));
      }
      for (const auto& entry : item.second) {
        (*target)[entry.first.as<std::string>()] = Entry{entry.second, display};
      }
    }
    stack_ids_.pop_back();
    stack_names_.pop_back();
    return absl::OkStatus();
  }

 private:
  fs::path main_dir_;
  std::vector<std::string> stack_ids_;
  std::vector<std::string> stack_names_;
};

bool IsIntegerLiteral(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i >= s.size() || s.size() - i > 18) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// A YAML scalar as JSON. Plain (unquoted) integers become JSON integers when the key
// holds numbers; everything else stays text, as Toolkit's YAML loader would give.
absl::StatusOr<json> ScalarToJson(const YAML::Node& node, bool numbers) {
  if (!node.IsScalar()) return absl::InvalidArgumentError("expected a single value");
  const std::string text = node.Scalar();
  if (numbers && node.Tag() != "!" && IsIntegerLiteral(text)) return json(std::stoll(text));
  return json(text);
}

absl::StatusOr<bool> ScalarToBool(const YAML::Node& node, std::string_view setting) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return absl::InvalidArgumentError(Cat(setting, " must be true or false"));
  }
  return value;
}

absl::StatusOr<std::string> ScalarToString(const YAML::Node& node, std::string_view setting) {
  if (!node.IsScalar()) return absl::InvalidArgumentError(Cat(setting, " must be a single value"));
  return node.Scalar();
}

absl::StatusOr<KeySettings> KeySettingsFromYaml(const std::string& name, const YAML::Node& node) {
  if (!node.IsMap()) return absl::InvalidArgumentError("must be a mapping with at least a type");
  KeySettings s;
  s.config_name = name;
  const YAML::Node type = node["type"];
  if (!type) return absl::InvalidArgumentError("has no type (str, int, sequence or timestamp)");
  PB_ASSIGN_OR_RETURN(std::string type_name, ScalarToString(type, "type"));
  if (type_name == "str") {
    s.type = KeyType::kString;
  } else if (type_name == "int") {
    s.type = KeyType::kInteger;
  } else if (type_name == "sequence") {
    s.type = KeyType::kSequence;
  } else if (type_name == "timestamp") {
    s.type = KeyType::kTimestamp;
  } else {
    return absl::InvalidArgumentError(
        Cat("type '", type_name, "' is not one of str, int, sequence, timestamp"));
  }
  const bool numbers = s.type == KeyType::kInteger || s.type == KeyType::kSequence;
  for (const auto& item : node) {
    const std::string setting = item.first.as<std::string>();
    const YAML::Node& v = item.second;
    if (setting == "type") continue;
    if (v.IsNull()) continue;  // "setting:" with no value means unset, as in Python
    if (setting == "alias") {
      PB_ASSIGN_OR_RETURN(s.alias, ScalarToString(v, setting));
    } else if (setting == "default") {
      PB_ASSIGN_OR_RETURN(s.default_value, ScalarToJson(v, numbers));
    } else if (setting == "choices") {
      if (v.IsSequence()) {
        for (const auto& c : v) {
          PB_ASSIGN_OR_RETURN(json value, ScalarToJson(c, numbers));
          s.choices.emplace_back(value, c.Scalar());
        }
      } else if (v.IsMap()) {
        for (const auto& c : v) {
          PB_ASSIGN_OR_RETURN(json value, ScalarToJson(c.first, numbers));
          PB_ASSIGN_OR_RETURN(std::string label, ScalarToString(c.second, "a choice label"));
          s.choices.emplace_back(value, label);
        }
      } else {
        return absl::InvalidArgumentError("choices must be a list or a mapping of value: label");
      }
    } else if (setting == "exclusions") {
      if (!v.IsSequence()) return absl::InvalidArgumentError("exclusions must be a list");
      for (const auto& e : v) {
        PB_ASSIGN_OR_RETURN(json value, ScalarToJson(e, numbers));
        s.exclusions.push_back(value);
      }
    } else if (setting == "filter_by") {
      PB_ASSIGN_OR_RETURN(s.filter_by, ScalarToString(v, setting));
    } else if (setting == "length") {
      PB_ASSIGN_OR_RETURN(std::string text, ScalarToString(v, setting));
      if (!IsIntegerLiteral(text)) return absl::InvalidArgumentError("length must be an integer");
      s.length = std::stoi(text);
    } else if (setting == "subset") {
      PB_ASSIGN_OR_RETURN(s.subset, ScalarToString(v, setting));
    } else if (setting == "subset_format") {
      PB_ASSIGN_OR_RETURN(s.subset_format, ScalarToString(v, setting));
    } else if (setting == "format_spec") {
      PB_ASSIGN_OR_RETURN(s.format_spec, ScalarToString(v, setting));
    } else if (setting == "strict_matching") {
      PB_ASSIGN_OR_RETURN(s.strict_matching, ScalarToBool(v, setting));
    } else if (setting == "abstract") {
      PB_ASSIGN_OR_RETURN(s.abstract, ScalarToBool(v, setting));
    } else if (setting == "shotgun_entity_type") {
      PB_ASSIGN_OR_RETURN(s.shotgun_entity_type, ScalarToString(v, setting));
    } else if (setting == "shotgun_field_name") {
      PB_ASSIGN_OR_RETURN(s.shotgun_field_name, ScalarToString(v, setting));
    } else {
      return absl::InvalidArgumentError(Cat("unknown setting '", setting, "'"));
    }
  }
  return s;
}

struct TemplateEntry {
  std::string definition;
  std::string root_name;
  std::string file;
};

absl::Status ReadTemplateEntry(const std::string& name, const Entry& entry, bool is_path, TemplateEntry* out,
                               std::vector<std::string>* warnings) {
  out->file = entry.file;
  const std::string where = Cat(entry.file, ": ", is_path ? "paths." : "strings.", name);
  if (entry.node.IsScalar()) {
    out->definition = entry.node.Scalar();
    return absl::OkStatus();
  }
  if (!entry.node.IsMap() || !entry.node["definition"] || !entry.node["definition"].IsScalar()) {
    return absl::InvalidArgumentError(
        Cat(where, ": must be a definition string or a mapping with a definition"));
  }
  for (const auto& item : entry.node) {
    const std::string setting = item.first.as<std::string>();
    if (setting == "definition") {
      out->definition = item.second.Scalar();
    } else if (setting == "root_name" && is_path && item.second.IsScalar()) {
      out->root_name = item.second.Scalar();
    } else {
      warnings->push_back(Cat(where, ": setting '", setting, "' is not used; ignored"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const TemplateSet>> Load(const std::string& path, const TemplatesLoadOptions& options) {
  for (const auto& [name, root] : options.roots) {
    const bool absolute = (!root.empty() && (root[0] == '/' || root[0] == '\\')) ||
                          (root.size() >= 3 && root[1] == ':' && (root[2] == '/' || root[2] == '\\'));
    if (name.empty() || !absolute) {
      return absl::InvalidArgumentError(Cat("root '", name, "' must be an absolute path, not '", root, "'"));
    }
  }
  const fs::path main(path);
  std::error_code ec;
  if (!fs::is_regular_file(main, ec)) return absl::NotFoundError(Cat("templates file '", path, "' not found"));
  const std::string main_display = main.filename().string();

  Sections sections;
  FileReader reader(main.parent_path().lexically_normal());
  PB_RETURN_IF_ERROR(reader.Read(main, main_display, &sections));

  TemplateSet::Contents contents;
  contents.roots = options.roots;
  contents.warnings = std::move(sections.warnings);

  // Keys.
  std::map<std::string, const TemplateKey*, std::less<>> keys_by_name;
  for (const auto& [name, entry] : sections.keys) {
    auto settings = KeySettingsFromYaml(name, entry.node);
    absl::StatusOr<std::unique_ptr<TemplateKey>> key =
        settings.ok() ? TemplateKey::Create(*std::move(settings)) : settings.status();
    if (!key.ok()) {
      return absl::InvalidArgumentError(Cat(entry.file, ": keys.", name, ": ", key.status().message()));
    }
    keys_by_name[name] = key->get();
    contents.keys.push_back(std::move(key).value());
  }

  // Template definitions, then @references.
  std::map<std::string, TemplateEntry> path_entries, string_entries;
  UnresolvedDefinitions definitions;
  for (const auto& [name, entry] : sections.paths) {
    PB_RETURN_IF_ERROR(ReadTemplateEntry(name, entry, true, &path_entries[name], &contents.warnings));
    definitions.paths[name] = path_entries[name].definition;
  }
  for (const auto& [name, entry] : sections.strings) {
    if (path_entries.count(name) != 0) {
      return absl::InvalidArgumentError(Cat(entry.file, ": strings.", name, ": '", name,
                                                     "' is also the name of a path template (",
                                                     path_entries[name].file, ")"));
    }
    PB_RETURN_IF_ERROR(ReadTemplateEntry(name, entry, false, &string_entries[name], &contents.warnings));
    definitions.strings[name] = string_entries[name].definition;
  }
  absl::Status resolved = ResolveReferences(&definitions);
  if (!resolved.ok()) return absl::InvalidArgumentError(Cat(main_display, ": ", resolved.message()));

  auto key_lookup = [&](std::string_view name) -> const TemplateKey* {
    auto it = keys_by_name.find(name);
    return it == keys_by_name.end() ? nullptr : it->second;
  };
  std::vector<std::string> root_names;
  for (const auto& [name, unused] : options.roots) root_names.push_back(name);
  for (const auto& [name, entry] : path_entries) {
    const std::string where = Cat(entry.file, ": paths.", name);
    std::string root_name = entry.root_name;
    if (root_name.empty()) {
      root_name = options.default_root_name;
      if (options.roots.count(root_name) == 0 && options.roots.size() == 1) root_name = options.roots.begin()->first;
    }
    auto root = options.roots.find(root_name);
    if (root == options.roots.end()) {
      return absl::InvalidArgumentError(Cat(where, ": root '", root_name, "' is not one of the roots given [",
                                                     absl::StrJoin(root_names, ", "), "]"));
    }
    auto t = Template::Create(name, TemplateKind::kPath, definitions.paths[name], root_name, root->second, key_lookup);
    if (!t.ok()) return absl::InvalidArgumentError(Cat(where, ": ", t.status().message()));
    contents.templates.push_back(std::move(t).value());
  }
  for (const auto& [name, entry] : string_entries) {
    auto t = Template::Create(name, TemplateKind::kString, definitions.strings[name], "", "", key_lookup);
    if (!t.ok()) {
      return absl::InvalidArgumentError(Cat(entry.file, ": strings.", name, ": ", t.status().message()));
    }
    contents.templates.push_back(std::move(t).value());
  }

  for (const auto& [alias, entry] : sections.aliases) {
    const std::string where = Cat(entry.file, ": aliases.", alias);
    if (!entry.node.IsScalar()) return absl::InvalidArgumentError(Cat(where, ": must name a template"));
    const std::string target = entry.node.Scalar();
    if (path_entries.count(alias) != 0 || string_entries.count(alias) != 0) {
      return absl::InvalidArgumentError(Cat(where, ": '", alias, "' is already a template name"));
    }
    if (path_entries.count(target) == 0 && string_entries.count(target) == 0) {
      return absl::InvalidArgumentError(Cat(where, ": no template named '", target, "'"));
    }
    contents.aliases[alias] = target;
  }

  if (options.detect_ambiguities) {
    std::vector<const Template*> all;
    for (const auto& t : contents.templates) all.push_back(t.get());
    contents.ambiguities = FindAmbiguities(all);
  }
  return std::make_shared<const TemplateSet>(std::move(contents));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const TemplateSet>> LoadTemplatesYaml(const std::string& path,
                                                                     const TemplatesLoadOptions& options) {
  // yaml-cpp reports conversion problems by throwing; none may leave this API.
  try {
    return Load(path, options);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(Cat(fs::path(path).filename().string(), ":", e.mark.line + 1, ":",
                                                   e.mark.column + 1, ": ", e.msg));
  } catch (const std::exception& e) {
    return absl::InternalError(Cat("loading ", fs::path(path).filename().string(), " failed: ", e.what()));
  }
}

}  // namespace pipebridge::core::templates

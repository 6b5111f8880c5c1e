#include "bridge/core/templates/template_set.h"
#include "bridge/core/templates/absl_string_view.h"
#include "bridge/core/templates/case_folding.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::templates {

TemplateSet::TemplateSet(Contents contents) : contents_(std::move(contents)) {
  for (const auto& t : contents_.templates) by_name_[t->name()] = t.get();
  for (const auto& [alias, target] : contents_.aliases) {
    auto it = by_name_.find(target);
    if (it != by_name_.end() && by_name_.count(alias) == 0) by_name_[alias] = it->second;
  }
  for (const auto& k : contents_.keys) keys_by_name_[k->config_name()] = k.get();
  for (const auto& t : contents_.templates) {
    if (t->kind() == TemplateKind::kString) {
      string_templates_.push_back(t.get());
      continue;
    }
    const std::string prefix = t->root_path() == "/" ? "/" : t->root_path() + "/";
    auto group = std::find_if(root_groups_.begin(), root_groups_.end(),
                              [&](const RootGroup& g) { return g.prefix == prefix; });
    if (group == root_groups_.end()) {
      root_groups_.push_back(RootGroup{prefix, Folded(prefix), {}, {}});
      group = root_groups_.end() - 1;
    }
    uint64_t mask = 0;
    for (const CompiledVariant& v : t->variants()) mask |= v.slash_count < 63 ? (uint64_t{1} << v.slash_count) : (uint64_t{1} << 63);
    group->templates.push_back(t.get());
    group->slash_masks.push_back(mask);
  }
}

std::vector<const Template*> TemplateSet::List() const {
  std::vector<const Template*> out;
  for (const auto& t : contents_.templates) out.push_back(t.get());
  std::sort(out.begin(), out.end(), [](const Template* a, const Template* b) { return a->name() < b->name(); });
  return out;
}

const TemplateKey* TemplateSet::FindKey(std::string_view config_name) const {
  auto it = keys_by_name_.find(config_name);
  return it == keys_by_name_.end() ? nullptr : it->second;
}

const Template* TemplateSet::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

absl::StatusOr<const Template*> TemplateSet::Get(std::string_view name) const {
  const Template* t = Find(name);
  if (t == nullptr) return absl::NotFoundError(Cat("no template named '", name, "'"));
  return t;
}

absl::StatusOr<std::string> TemplateSet::Apply(std::string_view template_name, const nlohmann::json& fields) const {
  PB_ASSIGN_OR_RETURN(const Template* t, Get(template_name));
  return t->Apply(fields);
}

absl::StatusOr<nlohmann::json> TemplateSet::Parse(std::string_view template_name, std::string_view path) const {
  PB_ASSIGN_OR_RETURN(const Template* t, Get(template_name));
  return t->Parse(path);
}

absl::StatusOr<Explanation> TemplateSet::Explain(std::string_view template_name, std::string_view path) const {
  PB_ASSIGN_OR_RETURN(const Template* t, Get(template_name));
  return t->Explain(path);
}

absl::StatusOr<std::vector<FieldProblem>> TemplateSet::Validate(std::string_view template_name,
                                                                const nlohmann::json& fields) const {
  PB_ASSIGN_OR_RETURN(const Template* t, Get(template_name));
  return t->Validate(fields);
}

absl::StatusOr<std::vector<std::string>> TemplateSet::MissingKeys(std::string_view template_name,
                                                                  const nlohmann::json& fields,
                                                                  bool skip_defaults) const {
  PB_ASSIGN_OR_RETURN(const Template* t, Get(template_name));
  return t->MissingKeys(fields, skip_defaults);
}

void TemplateSet::MatchOne(const Template* t, std::string_view path, std::vector<TemplateMatch>* out) const {
  TemplateMatch m;
  size_t variant = 0;
  if (!t->TryParse(path, &m.fields, &variant)) return;
  m.tmpl = t;
  m.key_count = t->variants()[variant].slots.size();
  m.static_chars = t->variants()[variant].static_chars;
  out->push_back(std::move(m));
}

absl::StatusOr<std::vector<TemplateMatch>> TemplateSet::Match(std::string_view path,
                                                              const MatchOptions& options) const {
  std::vector<TemplateMatch> out;
  std::string normalized;
  if (path.find('\\') != std::string_view::npos || (path.size() > 1 && path.back() == '/')) {
    normalized = Template::NormalizePath(path);
    path = normalized;
  }
  if (!options.templates.empty()) {
    std::vector<const Template*> chosen;
    for (const std::string& name : options.templates) {
      PB_ASSIGN_OR_RETURN(const Template* t, Get(name));
      if (std::find(chosen.begin(), chosen.end(), t) == chosen.end()) chosen.push_back(t);
    }
    for (const Template* t : chosen) MatchOne(t, path, &out);
  } else {
    for (const RootGroup& group : root_groups_) {
      if (path.size() <= group.prefix.size() || !FoldedAt(path, 0, group.folded_prefix)) continue;
      const std::string_view relative = path.substr(group.prefix.size());
      const size_t slashes = static_cast<size_t>(std::count(relative.begin(), relative.end(), '/'));
      const uint64_t bit = uint64_t{1} << std::min<size_t>(slashes, 63);
      for (size_t i = 0; i < group.templates.size(); ++i) {
        if ((group.slash_masks[i] & bit) != 0) MatchOne(group.templates[i], path, &out);
      }
    }
    if (options.include_strings) {
      for (const Template* t : string_templates_) MatchOne(t, path, &out);
    }
  }
  std::sort(out.begin(), out.end(), [](const TemplateMatch& a, const TemplateMatch& b) {
    if (a.key_count != b.key_count) return a.key_count > b.key_count;
    if (a.static_chars != b.static_chars) return a.static_chars > b.static_chars;
    return a.tmpl->name() < b.tmpl->name();
  });
  return out;
}

absl::StatusOr<std::vector<std::vector<TemplateMatch>>> TemplateSet::MatchMany(const std::vector<std::string>& paths,
                                                                               const MatchOptions& options) const {
  std::vector<std::vector<TemplateMatch>> out;
  out.reserve(paths.size());
  for (const std::string& p : paths) {
    PB_ASSIGN_OR_RETURN(auto matches, Match(p, options));
    out.push_back(std::move(matches));
  }
  return out;
}

}  // namespace pipebridge::core::templates

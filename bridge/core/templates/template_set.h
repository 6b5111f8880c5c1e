// A loaded templates.yml: keys, path and string templates, storage roots, load-time
// warnings. Immutable once built: share it (std::shared_ptr<const TemplateSet>) and call
// it from any number of threads at once. Each method maps to one TemplateService RPC.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/templates/template.h"
#include "bridge/core/templates/template_ambiguity.h"
#include "bridge/core/templates/template_key.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::templates {

struct TemplateMatch {
  const Template* tmpl = nullptr;
  nlohmann::json fields;
  size_t key_count = 0;     // fields the matching variant fills
  size_t static_chars = 0;  // static characters of the matching variant
};

struct MatchOptions {
  // Only consider these templates (names or aliases); empty: every path template.
  std::vector<std::string> templates;
  // Also try string templates against the whole input (ignored when `templates` is set:
  // then exactly the named templates are tried).
  bool include_strings = false;
};

class TemplateSet {
 public:
  struct Contents {
    std::map<std::string, std::string> roots;             // root name -> absolute path
    std::vector<std::unique_ptr<TemplateKey>> keys;
    std::vector<std::unique_ptr<Template>> templates;
    std::map<std::string, std::string> aliases;           // alias -> template name
    std::vector<std::string> warnings;
    std::vector<AmbiguityWarning> ambiguities;
  };
  explicit TemplateSet(Contents contents);

  // ListTemplates.
  std::vector<const Template*> List() const;  // by name
  const std::vector<std::unique_ptr<TemplateKey>>& keys() const { return contents_.keys; }
  const TemplateKey* FindKey(std::string_view config_name) const;
  const std::map<std::string, std::string>& roots() const { return contents_.roots; }
  const std::map<std::string, std::string>& aliases() const { return contents_.aliases; }
  const std::vector<AmbiguityWarning>& ambiguities() const { return contents_.ambiguities; }
  // Other load-time notes (e.g. an unknown top-level section that was ignored).
  const std::vector<std::string>& warnings() const { return contents_.warnings; }

  // A template by name or alias; null / NOT_FOUND when there is none.
  const Template* Find(std::string_view name) const;
  absl::StatusOr<const Template*> Get(std::string_view name) const;

  // Apply: fields -> path. NOT_FOUND for an unknown template, INVALID_ARGUMENT naming
  // the first missing or invalid field.
  absl::StatusOr<std::string> Apply(std::string_view template_name, const nlohmann::json& fields) const;
  // Parse: path -> typed fields. INVALID_ARGUMENT with Explain's reason when it does not fit.
  absl::StatusOr<nlohmann::json> Parse(std::string_view template_name, std::string_view path) const;
  // Match: every template the path fits, best first. Ranking: more fields first (the
  // template that explains more of the path), then more static text (the more specific
  // definition), then template name. Roots and static text match ignoring ASCII case, field
  // values keep the path's case (Template::Parse). NOT_FOUND for an unknown name in
  // options.templates.
  absl::StatusOr<std::vector<TemplateMatch>> Match(std::string_view path, const MatchOptions& options = {}) const;
  // Match for many paths: one result per path, same order.
  absl::StatusOr<std::vector<std::vector<TemplateMatch>>> MatchMany(const std::vector<std::string>& paths,
                                                                    const MatchOptions& options = {}) const;
  absl::StatusOr<Explanation> Explain(std::string_view template_name, std::string_view path) const;
  absl::StatusOr<std::vector<FieldProblem>> Validate(std::string_view template_name,
                                                     const nlohmann::json& fields) const;
  absl::StatusOr<std::vector<std::string>> MissingKeys(std::string_view template_name, const nlohmann::json& fields,
                                                       bool skip_defaults = false) const;

 private:
  struct RootGroup {
    std::string prefix;  // root path + "/"
    std::string folded_prefix;  // lower-cased: roots match ignoring case, as templates do
    std::vector<const Template*> templates;
    std::vector<uint64_t> slash_masks;  // bit n: a variant has n slashes
  };
  void MatchOne(const Template* t, std::string_view path, std::vector<TemplateMatch>* out) const;

  Contents contents_;
  std::map<std::string, const Template*, std::less<>> by_name_;
  std::map<std::string, const TemplateKey*, std::less<>> keys_by_name_;
  std::vector<RootGroup> root_groups_;
  std::vector<const Template*> string_templates_;
};

}  // namespace pipebridge::core::templates

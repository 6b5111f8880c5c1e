// One template of templates.yml (a path template under a storage root, or a string
// template) and the per-template operations: Apply, Parse, Explain, Validate, MissingKeys.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/templates/template_key.h"
#include "bridge/core/templates/template_matcher.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::templates {

enum class TemplateKind { kPath, kString };
std::string_view TemplateKindName(TemplateKind kind);  // "path" | "string"

// Why a path does (not) fit a template. Segments count from the storage root of a
// path template (segment 0 is the first folder under the root); for a string template
// the whole string is segment 0. segment_index is -1 when the path is not under the
// template's root at all.
struct Explanation {
  bool matches = false;
  nlohmann::json fields;   // the parsed fields when it matches
  std::string reason;      // a sentence for a person; empty when it matches
  int segment_index = -1;
  std::string segment;
  std::string key;         // field name of the key that failed, when a key failed
  size_t position = 0;     // character offset in the given path
};

// A problem with one field (Validate).
struct FieldProblem {
  std::string field;
  std::string message;
};

// Immutable; every method is const and thread-safe.
class Template {
 public:
  // `key_by_name` finds a key by its config name, null if unknown. `root_path` is the
  // absolute path of the storage root (path templates only). INVALID_ARGUMENT for a
  // malformed definition or an unknown key, naming what and where (not the template:
  // the loader prefixes that).
  static absl::StatusOr<std::unique_ptr<Template>> Create(
      std::string name, TemplateKind kind, std::string definition, std::string root_name,
      std::string root_path, const std::function<const TemplateKey*(std::string_view)>& key_by_name);

  const std::string& name() const { return name_; }
  TemplateKind kind() const { return kind_; }
  // The definition after @references are resolved, e.g. "shots/{Shot}/work/{name}.v{version}.ma".
  const std::string& definition() const { return definition_; }
  const std::string& root_name() const { return root_name_; }
  const std::string& root_path() const { return root_path_; }
  // Keys used by the definition, in order of first appearance in the longest variant.
  const std::vector<const TemplateKey*>& keys() const { return keys_; }
  // Variants with optional sections in/out, longest first.
  const std::vector<CompiledVariant>& variants() const { return variants_; }
  // Field names every variant needs (keys outside optional sections).
  const std::vector<std::string>& required_fields() const { return required_fields_; }

  // Fields -> absolute path (path template) or string. Uses the longest variant whose
  // keys all have a value or a default. INVALID_ARGUMENT naming the first missing or
  // invalid field. `fields` must be a JSON object.
  absl::StatusOr<std::string> Apply(const nlohmann::json& fields) const;

  // Path -> typed fields (ints as JSON integers). INVALID_ARGUMENT with Explain's
  // reason when it does not fit, or when the path reads two ways. The root and the static
  // text match ignoring ASCII case, as in Toolkit (`P:/Projects/...` fits `p:/projects/...`);
  // field values keep the path's own case. Parse, TryParse and Explain agree on this.
  absl::StatusOr<nlohmann::json> Parse(std::string_view path) const;

  // The fast form of Parse for Match: no error text. Returns false when it does not
  // fit (or is ambiguous). `variant_index` is set on success.
  bool TryParse(std::string_view path, nlohmann::json* fields, size_t* variant_index) const;

  Explanation Explain(std::string_view path) const;
  // Problems of the given fields: invalid values, and required fields neither given nor
  // defaulted. Empty when Apply would succeed. Fields the template does not use are ignored.
  std::vector<FieldProblem> Validate(const nlohmann::json& fields) const;
  // Required fields not given (null counts as not given), in definition order; with
  // skip_defaults, fields whose key has a default are not reported.
  std::vector<std::string> MissingKeys(const nlohmann::json& fields, bool skip_defaults) const;

  // Storage root + "/" for path templates ("" for strings), and the input's part after it.
  bool SplitRoot(std::string_view normalized_path, std::string_view* relative) const;
  // Forward slashes, no trailing slash: the form paths are compared in.
  static std::string NormalizePath(std::string_view path);

 private:
  Template() = default;
  enum class Outcome { kMatch, kNoMatch, kAmbiguous, kTooComplex };
  Outcome ParseRelative(std::string_view relative, SlotValues* values, size_t* variant_index,
                        SlotValues* other) const;
  nlohmann::json FieldsFromSlots(const CompiledVariant& variant, const SlotValues& values) const;
  const TemplateKey* KeyForSlot(size_t slot) const { return slot_keys_[slot]; }

  std::string name_;
  TemplateKind kind_ = TemplateKind::kPath;
  std::string definition_;
  std::string root_name_;
  std::string root_path_;
  std::string root_prefix_;  // root_path_ + "/" for path templates
  std::string root_prefix_folded_;  // root_prefix_ lower-cased, to match paths ignoring case
  std::vector<CompiledVariant> variants_;
  std::vector<const TemplateKey*> keys_;
  std::vector<std::string> slot_names_;        // field name per slot
  std::vector<const TemplateKey*> slot_keys_;  // first key per slot
  std::vector<std::string> required_fields_;
};

}  // namespace pipebridge::core::templates

#include "bridge/core/templates/template.h"
#include "bridge/core/templates/absl_string_view.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bridge/core/status_macros.h"
#include "bridge/core/templates/case_folding.h"
#include "bridge/core/templates/definition_syntax.h"

namespace pipebridge::core::templates {
namespace {

using nlohmann::json;

const json* GivenField(const json& fields, const std::string& name) {
  auto it = fields.find(name);
  if (it == fields.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string Quoted(std::string_view s) { return Cat("\"", s, "\""); }

}  // namespace

std::string_view TemplateKindName(TemplateKind kind) {
  return kind == TemplateKind::kPath ? "path" : "string";
}

std::string Template::NormalizePath(std::string_view path) {
  std::string out(path);
  std::replace(out.begin(), out.end(), '\\', '/');
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

absl::StatusOr<std::unique_ptr<Template>> Template::Create(
    std::string name, TemplateKind kind, std::string definition, std::string root_name, std::string root_path,
    const std::function<const TemplateKey*(std::string_view)>& key_by_name) {
  std::unique_ptr<Template> t(new Template());
  t->name_ = std::move(name);
  t->kind_ = kind;
  t->definition_ = std::move(definition);
  t->root_name_ = std::move(root_name);
  if (kind == TemplateKind::kPath) {
    t->root_path_ = NormalizePath(root_path);
    t->root_prefix_ = t->root_path_ == "/" ? "/" : t->root_path_ + "/";
    t->root_prefix_folded_ = Folded(t->root_prefix_);
    if (!t->definition_.empty() && (t->definition_[0] == '/' || t->definition_[0] == '\\')) {
      return absl::InvalidArgumentError(Cat("definition ", Quoted(t->definition_),
                                                     " starts with '/'; path templates are relative to their root"));
    }
  }
  if (t->definition_.empty()) return absl::InvalidArgumentError("the definition is empty");

  PB_ASSIGN_OR_RETURN(std::vector<std::string> variant_texts, ExpandOptionalSections(t->definition_));
  for (const std::string& text : variant_texts) {
    CompiledVariant v;
    v.definition = text;
    PB_ASSIGN_OR_RETURN(std::vector<DefinitionPiece> pieces, SplitKeys(text));
    for (DefinitionPiece& piece : pieces) {
      if (!piece.is_key) {
        v.static_chars += piece.text.size();
        v.slash_count += static_cast<int>(std::count(piece.text.begin(), piece.text.end(), '/'));
        if (!v.tokens.empty() && !v.tokens.back().is_key) {
          v.tokens.back().text += piece.text;
        } else {
          v.tokens.push_back(VariantToken{false, std::move(piece.text), {}, nullptr, 0});
        }
        continue;
      }
      const TemplateKey* key = key_by_name(piece.text);
      if (key == nullptr) {
        return absl::InvalidArgumentError(Cat("definition ", Quoted(t->definition_), " uses key {",
                                                       piece.text, "}, which the keys section does not define"));
      }
      auto found = std::find(t->slot_names_.begin(), t->slot_names_.end(), key->name());
      size_t slot = static_cast<size_t>(found - t->slot_names_.begin());
      if (found == t->slot_names_.end()) {
        if (t->slot_names_.size() == kMaxFieldsPerTemplate) {
          return absl::InvalidArgumentError(
              Cat("definition uses more than ", kMaxFieldsPerTemplate, " different keys"));
        }
        t->slot_names_.push_back(key->name());
        t->slot_keys_.push_back(key);
      }
      if (std::find(v.slots.begin(), v.slots.end(), slot) == v.slots.end()) v.slots.push_back(slot);
      v.tokens.push_back(VariantToken{true, piece.text, {}, key, slot});
    }
    for (VariantToken& tok : v.tokens) {
      if (!tok.is_key) tok.folded = Folded(tok.text);
    }
    t->variants_.push_back(std::move(v));
  }
  // Keys in order of first appearance in the longest variant (which holds them all).
  for (size_t slot : t->variants_.front().slots) t->keys_.push_back(t->slot_keys_[slot]);
  for (size_t slot : t->variants_.back().slots) t->required_fields_.push_back(t->slot_names_[slot]);
  return t;
}

bool Template::SplitRoot(std::string_view normalized_path, std::string_view* relative) const {
  if (kind_ == TemplateKind::kString) {
    *relative = normalized_path;
    return true;
  }
  // The root is static text too: `P:/Projects` is under `p:/projects` (case_folding.h).
  if (normalized_path.size() <= root_prefix_.size() || !FoldedAt(normalized_path, 0, root_prefix_folded_)) {
    return false;
  }
  *relative = normalized_path.substr(root_prefix_.size());
  return true;
}

absl::StatusOr<std::string> Template::Apply(const json& fields) const {
  if (!fields.is_object()) return absl::InvalidArgumentError("fields must be an object of key: value");
  const CompiledVariant* chosen = nullptr;
  for (const CompiledVariant& v : variants_) {
    bool complete = true;
    for (size_t slot : v.slots) {
      if (GivenField(fields, slot_names_[slot]) == nullptr && !slot_keys_[slot]->has_default()) {
        complete = false;
        break;
      }
    }
    if (complete) {
      chosen = &v;
      break;
    }
  }
  if (chosen == nullptr) {
    std::vector<std::string> missing;
    for (const std::string& f : MissingKeys(fields, /*skip_defaults=*/true)) missing.push_back(Cat("'", f, "'"));
    return absl::InvalidArgumentError(Cat("template '", name_, "' needs field ", missing.front(),
                                                   missing.size() > 1 ? " (also missing: " : "",
                                                   absl::StrJoin(missing.begin() + 1, missing.end(), ", "),
                                                   missing.size() > 1 ? ")" : ""));
  }
  std::array<std::string, kMaxFieldsPerTemplate> texts;
  std::array<bool, kMaxFieldsPerTemplate> done{};
  std::string out = kind_ == TemplateKind::kPath ? root_prefix_ : std::string();
  for (const VariantToken& tok : chosen->tokens) {
    if (!tok.is_key) {
      out += tok.text;
      continue;
    }
    if (!done[tok.slot]) {
      const json* given = GivenField(fields, slot_names_[tok.slot]);
      const json value = given ? *given : tok.key->DefaultValue();
      absl::StatusOr<std::string> text = tok.key->ToText(value);
      if (!text.ok()) {
        return absl::InvalidArgumentError(
            Cat("template '", name_, "': field '", slot_names_[tok.slot], "': ", text.status().message()));
      }
      if (kind_ == TemplateKind::kPath && text->find_first_of("/\\") != std::string::npos) {
        return absl::InvalidArgumentError(Cat("template '", name_, "': field '", slot_names_[tok.slot],
                                                       "': value '", *text,
                                                       "' holds a path separator, which would add folders"));
      }
      texts[tok.slot] = std::move(text).value();
      done[tok.slot] = true;
    }
    out += texts[tok.slot];
  }
  return out;
}

Template::Outcome Template::ParseRelative(std::string_view relative, SlotValues* values, size_t* variant_index,
                                          SlotValues* other) const {
  const bool path_mode = kind_ == TemplateKind::kPath;
  int slashes = 0;
  if (path_mode) slashes = static_cast<int>(std::count(relative.begin(), relative.end(), '/'));
  for (size_t i = 0; i < variants_.size(); ++i) {
    // Key values hold no '/', so a path has exactly as many as the variant's static text.
    if (path_mode && variants_[i].slash_count != slashes) continue;
    switch (MatchVariant(variants_[i], relative, path_mode, values, other, nullptr)) {
      case MatchOutcome::kNoMatch: continue;
      case MatchOutcome::kMatch: *variant_index = i; return Outcome::kMatch;
      case MatchOutcome::kAmbiguous: *variant_index = i; return Outcome::kAmbiguous;
      case MatchOutcome::kTooComplex: *variant_index = i; return Outcome::kTooComplex;
    }
  }
  return Outcome::kNoMatch;
}

json Template::FieldsFromSlots(const CompiledVariant& variant, const SlotValues& values) const {
  json fields = json::object();
  for (size_t slot : variant.slots) fields[slot_names_[slot]] = slot_keys_[slot]->ValueFromText(values[slot]);
  return fields;
}

bool Template::TryParse(std::string_view path, json* fields, size_t* variant_index) const {
  std::string normalized;
  if (path.find('\\') != std::string_view::npos || (path.size() > 1 && path.back() == '/')) {
    normalized = NormalizePath(path);
    path = normalized;
  }
  std::string_view relative;
  if (!SplitRoot(path, &relative)) return false;
  SlotValues values;
  if (ParseRelative(relative, &values, variant_index, nullptr) != Outcome::kMatch) return false;
  *fields = FieldsFromSlots(variants_[*variant_index], values);
  return true;
}

absl::StatusOr<json> Template::Parse(std::string_view path) const {
  std::string normalized = NormalizePath(path);
  std::string_view relative;
  if (!SplitRoot(normalized, &relative)) return absl::InvalidArgumentError(Explain(path).reason);
  SlotValues values, other;
  size_t index = 0;
  switch (ParseRelative(relative, &values, &index, &other)) {
    case Outcome::kMatch:
      return FieldsFromSlots(variants_[index], values);
    case Outcome::kAmbiguous:
      return absl::InvalidArgumentError(Cat(
          "path ", Quoted(path), " reads two ways with template '", name_, "' (", variants_[index].definition,
          "): ", FieldsFromSlots(variants_[index], values).dump(), " and ",
          FieldsFromSlots(variants_[index], other).dump()));
    case Outcome::kTooComplex:
      return absl::InvalidArgumentError(Cat("path ", Quoted(path), " is too ambiguous to read with template '",
                                                     name_, "': adjacent keys allow too many readings"));
    case Outcome::kNoMatch:
      break;
  }
  return absl::InvalidArgumentError(Explain(path).reason);
}

Explanation Template::Explain(std::string_view path) const {
  Explanation e;
  const std::string normalized = NormalizePath(path);
  std::string_view relative;
  if (!SplitRoot(normalized, &relative)) {
    e.reason = Cat("path ", Quoted(path), " is not under root '", root_name_, "' (", root_path_,
                            ") of template '", name_, "'");
    return e;
  }
  const size_t offset = normalized.size() - relative.size();
  {
    SlotValues values, other;
    size_t index = 0;
    Outcome outcome = ParseRelative(relative, &values, &index, &other);
    if (outcome == Outcome::kMatch) {
      e.matches = true;
      e.fields = FieldsFromSlots(variants_[index], values);
      return e;
    }
    if (outcome != Outcome::kNoMatch) {
      absl::StatusOr<json> parsed = Parse(path);
      e.reason = std::string(parsed.status().message());
      e.segment_index = 0;
      e.position = offset;
      return e;
    }
  }
  // Run every variant with diagnostics; report the one that got furthest (the longest
  // variant wins a tie).
  MatchFailure best;
  const CompiledVariant* best_variant = nullptr;
  for (const CompiledVariant& v : variants_) {
    MatchFailure failure;
    SlotValues values, other;
    MatchVariant(v, relative, kind_ == TemplateKind::kPath, &values, &other, &failure);
    if (best_variant == nullptr || failure.position > best.position) {
      best = failure;
      best_variant = &v;
    }
  }
  const size_t pos = std::min(best.position, relative.size());
  e.position = offset + pos;
  if (kind_ == TemplateKind::kPath) {
    e.segment_index = static_cast<int>(std::count(relative.begin(), relative.begin() + pos, '/'));
    size_t seg_start = 0;
    if (pos > 0) {
      const size_t slash = relative.rfind('/', pos - 1);
      seg_start = slash == std::string_view::npos ? 0 : slash + 1;
    }
    size_t seg_end = relative.find('/', pos);
    if (seg_end == std::string_view::npos) seg_end = relative.size();
    e.segment = std::string(relative.substr(seg_start, seg_end - seg_start));
  } else {
    e.segment_index = 0;
    e.segment = std::string(relative);
  }
  const std::string where = kind_ == TemplateKind::kPath
                                ? Cat("segment ", e.segment_index, " ", Quoted(e.segment))
                                : Cat("character ", pos);
  const std::string against = Cat(" (template '", name_, "': ", best_variant->definition, ")");
  const VariantToken* tok = best.token < best_variant->tokens.size() ? &best_variant->tokens[best.token] : nullptr;
  switch (best.kind) {
    case MatchFailure::Kind::kStaticMismatch:
    {
      const std::string expected = tok->text.substr(std::min(best.static_offset, tok->text.size()));
      if (pos >= relative.size()) {
        e.reason = Cat(where, ": the path ends where the template expects ", Quoted(expected), against);
      } else {
        size_t found_end = relative.find('/', pos);
        if (found_end == std::string_view::npos || found_end == pos) found_end = relative.size();
        e.reason = Cat(where, ": expected ", Quoted(expected), " at character ", e.position, ", found ",
                       Quoted(relative.substr(pos, found_end - pos)), against);
      }
    }
      break;
    case MatchFailure::Kind::kKeyRejected:
      e.key = tok->key->name();
      e.reason = best.value.empty()
                     ? Cat(where, ": key ", e.key, ": no value (the segment ends here)", against)
                     : Cat(where, ": key ", e.key, ": ", tok->key->RejectionReason(best.value), against);
      break;
    case MatchFailure::Kind::kNoSeparator:
      e.key = tok->key->name();
      e.reason = Cat(where, ": key ", e.key, ": ", Quoted(best_variant->tokens[best.token + 1].text),
                              " does not follow it in this segment", against);
      break;
    case MatchFailure::Kind::kConflict:
      e.key = tok->key->name();
      e.reason = Cat(where, ": key ", e.key, ": value '", best.value,
                              "' differs from the value found earlier in the path", against);
      break;
    case MatchFailure::Kind::kTrailing:
      e.reason = Cat(where, ": the path goes on after the template ends", against);
      break;
    case MatchFailure::Kind::kNone:
      e.reason = Cat("path ", Quoted(path), " does not fit", against);
      break;
  }
  return e;
}

std::vector<FieldProblem> Template::Validate(const json& fields) const {
  std::vector<FieldProblem> problems;
  if (!fields.is_object()) return {{"", "fields must be an object of key: value"}};
  for (size_t slot = 0; slot < slot_names_.size(); ++slot) {
    const json* given = GivenField(fields, slot_names_[slot]);
    if (given == nullptr) continue;
    absl::StatusOr<std::string> text = slot_keys_[slot]->ToText(*given);
    if (!text.ok()) {
      problems.push_back({slot_names_[slot], std::string(text.status().message())});
    } else if (kind_ == TemplateKind::kPath && text->find_first_of("/\\") != std::string::npos) {
      problems.push_back({slot_names_[slot], Cat("value '", *text, "' holds a path separator")});
    }
  }
  for (const std::string& missing : MissingKeys(fields, /*skip_defaults=*/true)) {
    problems.push_back({missing, "missing: the template needs this field and the key has no default"});
  }
  return problems;
}

std::vector<std::string> Template::MissingKeys(const json& fields, bool skip_defaults) const {
  std::vector<std::string> missing;
  const bool is_object = fields.is_object();
  for (size_t slot : variants_.back().slots) {
    if (is_object && GivenField(fields, slot_names_[slot]) != nullptr) continue;
    if (skip_defaults && slot_keys_[slot]->has_default()) continue;
    missing.push_back(slot_names_[slot]);
  }
  return missing;
}

}  // namespace pipebridge::core::templates

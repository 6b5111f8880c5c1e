// One key of templates.yml ("Shot", "version", "SEQ", ...): its type, its rules,
// and the conversions between a field value (JSON) and its text in a path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bridge/core/templates/timestamp_format.h"
#include "nlohmann/json.hpp"

namespace re2 {
class RE2;
}

namespace pipebridge::core::templates {

enum class KeyType { kString, kInteger, kSequence, kTimestamp };

// "str", "int", "sequence", "timestamp": the names templates.yml uses.
std::string_view KeyTypeName(KeyType type);

// A key's settings as written in the `keys` section. The loader fills this from YAML;
// TemplateKey::Create checks it. Scalars keep their YAML type: int keys get JSON
// integers for default/choices when the YAML scalar is an integer.
struct KeySettings {
  std::string config_name;  // the name in `keys:` and in `{...}` of definitions
  std::string alias;        // `alias:`; when set it is the field name
  KeyType type = KeyType::kString;
  std::optional<nlohmann::json> default_value;
  // `choices:` as a list (label = value text) or a dict of value: label.
  std::vector<std::pair<nlohmann::json, std::string>> choices;
  std::vector<nlohmann::json> exclusions;
  std::optional<std::string> filter_by;  // alphanumeric | alpha | integer | a regex
  std::optional<int> length;
  std::optional<std::string> subset;
  std::optional<std::string> subset_format;
  std::optional<std::string> format_spec;
  std::optional<bool> strict_matching;
  bool abstract = false;
  std::string shotgun_entity_type;  // metadata only
  std::string shotgun_field_name;   // metadata only
};

// Immutable after Create; every method is const and safe to call from many threads.
//
// Field values (JSON) each type accepts, and what Parse gives back:
//   str       string (an integer is taken as its decimal text)   -> string
//   int       integer (or an integral number, as protobuf Struct sends), or a string
//             that matches the format_spec                        -> integer
//   sequence  integer frame; a frame spec of this key's padding ("%04d", "####",
//             "@@@@", "$F4", "<UDIM>", "$UDIM"); "FORMAT: %d" (also #, @, $F,
//             <UDIM>, $UDIM) resolved to this key's padding; a Flame range
//             "[1001-1100]"                                      -> integer or that text
//   timestamp string in the key's format_spec, ISO "YYYY-MM-DDTHH:MM:SS", or integer
//             Unix seconds (UTC)                                  -> ISO string
class TemplateKey {
 public:
  // INVALID_ARGUMENT with a sentence (without the key name, the caller adds where).
  static absl::StatusOr<std::unique_ptr<TemplateKey>> Create(KeySettings settings);
  ~TemplateKey();
  TemplateKey(const TemplateKey&) = delete;
  TemplateKey& operator=(const TemplateKey&) = delete;

  // The field name: the alias when one is set, else the config name.
  const std::string& name() const { return name_; }
  const std::string& config_name() const { return settings_.config_name; }
  KeyType type() const { return settings_.type; }
  const KeySettings& settings() const { return settings_; }
  bool is_abstract() const { return settings_.abstract; }
  bool has_default() const { return settings_.default_value.has_value(); }
  // The value Apply uses for an absent field; "now"/"utc_now" resolve to the current
  // time (ISO text). Null when the key has no default.
  nlohmann::json DefaultValue() const;
  // Choice values as text, in config order.
  std::vector<std::string> ChoiceTexts() const;
  // Frame specs this sequence key accepts as values ("%04d", "####", ...).
  const std::vector<std::string>& frame_specs() const { return frame_specs_; }
  const std::optional<TimestampFormat>& timestamp_format() const { return timestamp_format_; }
  // Zero-padded minimum width of int/sequence keys (0 when none).
  int min_width() const { return min_width_; }
  bool zero_padded() const { return zero_padded_; }
  bool strict_matching() const { return strict_; }

  // Field value -> its text. INVALID_ARGUMENT saying what is wrong with the value.
  absl::StatusOr<std::string> ToText(const nlohmann::json& value) const;
  absl::Status CheckValue(const nlohmann::json& value) const { return ToText(value).status(); }

  // Whether `text` (from a path or string) is a value of this key. The parse hot path:
  // no allocation, no regex unless filter_by is a custom regex.
  bool Accepts(std::string_view text) const { return CheckText(text, nullptr); }
  // The typed value of accepted text (precondition: Accepts(text)).
  nlohmann::json ValueFromText(std::string_view text) const;
  // Why Accepts(text) is false, as a sentence fragment.
  std::string RejectionReason(std::string_view text) const;

 private:
  explicit TemplateKey(KeySettings settings);
  absl::Status Init();
  bool CheckText(std::string_view text, std::string* reason) const;
  bool CheckStringRules(std::string_view text, std::string* reason) const;
  bool CheckCommonRules(std::string_view text, std::string* reason) const;
  bool ParseIntText(std::string_view text, int64_t* value, std::string* reason) const;
  std::string FormatInt(int64_t value) const;
  absl::StatusOr<std::string> StringToText(const nlohmann::json& value) const;
  absl::StatusOr<std::string> IntToText(const nlohmann::json& value) const;
  absl::StatusOr<std::string> SequenceToText(const nlohmann::json& value) const;
  absl::StatusOr<std::string> TimestampToText(const nlohmann::json& value) const;
  absl::Status CheckIntChoices(int64_t value) const;

  KeySettings settings_;
  std::string name_;
  enum class Filter { kNone, kAlphanumeric, kAlpha, kInteger, kRegex } filter_ = Filter::kNone;
  std::unique_ptr<re2::RE2> filter_regex_;
  std::unique_ptr<re2::RE2> subset_regex_;
  std::vector<std::string> choice_texts_;     // lower-cased for comparison
  std::vector<std::string> exclusion_texts_;  // lower-cased
  std::vector<int64_t> int_choices_;
  bool zero_padded_ = false;
  int min_width_ = 0;
  bool has_format_spec_ = false;
  bool strict_ = false;
  std::vector<std::string> frame_specs_;
  std::optional<TimestampFormat> timestamp_format_;
};

}  // namespace pipebridge::core::templates

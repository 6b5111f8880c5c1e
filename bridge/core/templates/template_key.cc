#include "bridge/core/templates/template_key.h"
#include "bridge/core/templates/absl_string_view.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bridge/core/status_macros.h"
#include "re2/re2.h"

namespace pipebridge::core::templates {
namespace {

using nlohmann::json;

constexpr std::string_view kFormatIndicator = "FORMAT:";
const char* const kValidFormatStrings[] = {"%d", "#", "@", "$F", "<UDIM>", "$UDIM"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ' ' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

// Integer value of a JSON number; protobuf Struct carries every number as a double,
// so integral doubles count as integers.
bool JsonToInt(const json& value, int64_t* out) {
  if (value.is_number_integer()) {
    *out = value.get<int64_t>();
    return true;
  }
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15) {
      *out = static_cast<int64_t>(d);
      return true;
    }
  }
  return false;
}

std::string JsonTypeName(const json& value) {
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_null()) return "null";
  if (value.is_array()) return "a list";
  return "an object";
}

// Text of a scalar choice/exclusion/default, as Python's str() would print it.
std::string ScalarText(const json& value) {
  int64_t i = 0;
  if (value.is_string()) return value.get<std::string>();
  if (JsonToInt(value, &i)) return std::to_string(i);
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  return value.dump();
}

std::string Quote(std::string_view s) { return Cat("'", s, "'"); }

bool IsFlameRange(std::string_view s) {
  // [1001-1100]
  if (s.size() < 5 || s.front() != '[' || s.back() != ']') return false;
  s = s.substr(1, s.size() - 2);
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  return AllDigits(s.substr(0, dash)) && AllDigits(s.substr(dash + 1));
}

// Python str.format with positional fields only: "{0}{1}", "{}", "{{" and "}}".
absl::StatusOr<std::string> FormatSubset(std::string_view fmt, const std::vector<std::string>& groups) {
  std::string out;
  size_t auto_index = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out += '{';
      ++i;
    } else if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
      out += '}';
      ++i;
    } else if (c == '{') {
      size_t close = fmt.find('}', i);
      if (close == std::string_view::npos) {
        return absl::InvalidArgumentError(Cat("subset_format ", Quote(fmt), " has an unclosed '{'"));
      }
      std::string_view field = fmt.substr(i + 1, close - i - 1);
      size_t index = auto_index++;
      if (!field.empty()) {
        if (!AllDigits(field) || field.size() > 3) {
          return absl::InvalidArgumentError(Cat(
              "subset_format ", Quote(fmt), " uses {", field, "}; only {N} and {} are supported"));
        }
        index = static_cast<size_t>(std::stoi(std::string(field)));
      }
      if (index >= groups.size()) {
        return absl::InvalidArgumentError(Cat("subset_format ", Quote(fmt), " uses group ", index,
                                                       " but the subset has ", groups.size(), " group(s)"));
      }
      out += groups[index];
      i = close;
    } else if (c == '}') {
      return absl::InvalidArgumentError(Cat("subset_format ", Quote(fmt), " has a lone '}'"));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kString: return "str";
    case KeyType::kInteger: return "int";
    case KeyType::kSequence: return "sequence";
    case KeyType::kTimestamp: return "timestamp";
  }
  return "str";
}

TemplateKey::TemplateKey(KeySettings settings) : settings_(std::move(settings)) {
  name_ = settings_.alias.empty() ? settings_.config_name : settings_.alias;
}

TemplateKey::~TemplateKey() = default;

absl::StatusOr<std::unique_ptr<TemplateKey>> TemplateKey::Create(KeySettings settings) {
  std::unique_ptr<TemplateKey> key(new TemplateKey(std::move(settings)));
  PB_RETURN_IF_ERROR(key->Init());
  return key;
}

absl::Status TemplateKey::Init() {
  KeySettings& s = settings_;
  if (!IsValidKeyName(s.config_name)) {
    return absl::InvalidArgumentError(
        "the key name may only use letters, digits, '_', '.', '-' and spaces");
  }
  if (!s.alias.empty() && !IsValidKeyName(s.alias)) {
    return absl::InvalidArgumentError(
        Cat("alias ", Quote(s.alias), " may only use letters, digits, '_', '.', '-' and spaces"));
  }
  if (!s.shotgun_field_name.empty() && s.shotgun_entity_type.empty()) {
    return absl::InvalidArgumentError("shotgun_field_name needs shotgun_entity_type");
  }
  const std::string type_name(KeyTypeName(s.type));
  auto not_a_setting = [&](std::string_view setting) {
    return absl::InvalidArgumentError(Cat(setting, " is not a setting of ", type_name, " keys"));
  };

  if (s.type != KeyType::kString) {
    if (s.filter_by) return not_a_setting("filter_by");
    if (s.subset) return not_a_setting("subset");
    if (s.subset_format) return not_a_setting("subset_format");
  }
  if (s.length && *s.length <= 0) return absl::InvalidArgumentError("length must be a positive integer");

  switch (s.type) {
    case KeyType::kString: {
      if (s.format_spec) return not_a_setting("format_spec");
      if (s.strict_matching) return not_a_setting("strict_matching");
      if (s.filter_by) {
        const std::string& f = *s.filter_by;
        if (f == "alphanumeric") {
          filter_ = Filter::kAlphanumeric;
        } else if (f == "alpha") {
          filter_ = Filter::kAlpha;
        } else if (f == "integer") {
          filter_ = Filter::kInteger;
        } else {
          filter_ = Filter::kRegex;
          filter_regex_ = std::make_unique<re2::RE2>(f, re2::RE2::Quiet);
          if (!filter_regex_->ok()) {
            return absl::InvalidArgumentError(
                Cat("filter_by regex ", Quote(f), " does not compile: ", filter_regex_->error()));
          }
        }
      }
      if (s.subset_format && !s.subset) {
        return absl::InvalidArgumentError("subset_format needs a subset");
      }
      if (s.subset) {
        subset_regex_ = std::make_unique<re2::RE2>(*s.subset, re2::RE2::Quiet);
        if (!subset_regex_->ok()) {
          return absl::InvalidArgumentError(
              Cat("subset regex ", Quote(*s.subset), " does not compile: ", subset_regex_->error()));
        }
        if (s.subset_format) {
          std::vector<std::string> groups(subset_regex_->NumberOfCapturingGroups());
          PB_RETURN_IF_ERROR(FormatSubset(*s.subset_format, groups).status());
        }
      }
      for (const auto& choice : s.choices) choice_texts_.push_back(ScalarText(choice.first));
      break;
    }
    case KeyType::kInteger:
    case KeyType::kSequence: {
      if (s.type == KeyType::kSequence) {
        if (s.strict_matching) return not_a_setting("strict_matching");
        if (!s.format_spec) s.format_spec = "01";
      }
      if (s.format_spec) {
        const std::string& f = *s.format_spec;
        bool ok = !f.empty() && f.size() <= 3 && AllDigits(f);
        size_t digits_at = (ok && f[0] == '0') ? 1 : 0;
        ok = ok && digits_at < f.size() && f[digits_at] != '0';
        if (!ok) {
          return absl::InvalidArgumentError(Cat(
              "format_spec must be a number (e.g. '3') or a 0 followed by a number (e.g. '03'), not ",
              Quote(f)));
        }
        zero_padded_ = digits_at == 1;
        min_width_ = std::stoi(f.substr(digits_at));
        has_format_spec_ = true;
      }
      if (s.type == KeyType::kInteger) {
        if (s.strict_matching && !has_format_spec_) {
          return absl::InvalidArgumentError("strict_matching can't be set without a format_spec");
        }
        strict_ = s.strict_matching.value_or(has_format_spec_);
      } else {
        strict_ = false;  // as Toolkit's SequenceKey
        s.abstract = true;
        // Toolkit pads only for a format_spec starting with 0 other than "01".
        const bool pad = zero_padded_ && *s.format_spec != "01";
        const std::string places = std::to_string(min_width_);
        frame_specs_ = {pad ? Cat("%0", places, "d") : "%d",
                        pad ? std::string(min_width_, '#') : "#",
                        pad ? std::string(min_width_, '@') : "@",
                        pad ? Cat("$F", places) : "$F",
                        "<UDIM>",
                        "$UDIM"};
        if (!s.default_value) s.default_value = frame_specs_[0];
      }
      for (const auto& choice : s.choices) {
        int64_t v = 0;
        if (!JsonToInt(choice.first, &v) &&
            !(choice.first.is_string() && AllDigits(choice.first.get<std::string>()) &&
              choice.first.get<std::string>().size() < 19)) {
          return absl::InvalidArgumentError(
              Cat("choice ", Quote(ScalarText(choice.first)), " is not an integer"));
        }
        if (!JsonToInt(choice.first, &v)) v = std::stoll(choice.first.get<std::string>());
        int_choices_.push_back(v);
        choice_texts_.push_back(std::to_string(v));
      }
      break;
    }
    case KeyType::kTimestamp: {
      if (s.strict_matching) return not_a_setting("strict_matching");
      if (!s.choices.empty()) return not_a_setting("choices");
      auto format = TimestampFormat::Compile(s.format_spec.value_or("%Y-%m-%d-%H-%M-%S"));
      if (!format.ok()) return format.status();
      timestamp_format_ = std::move(format).value();
      if (s.default_value) {
        if (!s.default_value->is_string()) {
          return absl::InvalidArgumentError("default of a timestamp key must be a string, 'now' or 'utc_now'");
        }
        std::string d = absl::AsciiStrToLower(s.default_value->get<std::string>());
        if (d == "now" || d == "utc_now") s.default_value = d;
      }
      break;
    }
  }
  for (const auto& e : s.exclusions) exclusion_texts_.push_back(ScalarText(e));

  if (s.abstract && !s.default_value) {
    return absl::InvalidArgumentError("an abstract key needs a default value");
  }
  if (s.default_value && !(s.type == KeyType::kTimestamp && s.default_value->is_string() &&
                           (s.default_value->get<std::string>() == "now" ||
                            s.default_value->get<std::string>() == "utc_now"))) {
    absl::Status st = CheckValue(*s.default_value);
    if (!st.ok()) {
      return absl::InvalidArgumentError(Cat("default ", Quote(ScalarText(*s.default_value)),
                                                     " is not valid: ", st.message()));
    }
  }
  for (const auto& choice : s.choices) {
    // Choices must satisfy the other rules (filter_by, length, exclusions).
    absl::Status st = CheckValue(choice.first);
    if (!st.ok()) {
      return absl::InvalidArgumentError(
          Cat("choice ", Quote(ScalarText(choice.first)), " is not valid: ", st.message()));
    }
  }
  return absl::OkStatus();
}

json TemplateKey::DefaultValue() const {
  if (!settings_.default_value) return nullptr;
  const json& d = *settings_.default_value;
  if (settings_.type == KeyType::kTimestamp && d.is_string()) {
    if (d == "now") return ToIsoString(CurrentTime(false));
    if (d == "utc_now") return ToIsoString(CurrentTime(true));
  }
  return d;
}

std::vector<std::string> TemplateKey::ChoiceTexts() const {
  std::vector<std::string> out;
  for (const auto& c : settings_.choices) out.push_back(ScalarText(c.first));
  return out;
}

// ---- text -> value (parse side) ------------------------------------------------------

bool TemplateKey::CheckCommonRules(std::string_view text, std::string* reason) const {
  for (const std::string& e : exclusion_texts_) {
    if (absl::EqualsIgnoreCase(Sv(text), e)) {
      if (reason) *reason = Cat("value ", Quote(text), " is excluded for this key");
      return false;
    }
  }
  if (!choice_texts_.empty() && int_choices_.empty()) {
    bool found = false;
    for (const std::string& c : choice_texts_) {
      if (absl::EqualsIgnoreCase(Sv(text), c)) {
        found = true;
        break;
      }
    }
    if (!found) {
      if (reason) {
        *reason = Cat("value ", Quote(text), " is not one of the choices [",
                               absl::StrJoin(choice_texts_, ", "), "]");
      }
      return false;
    }
  }
  if (settings_.length && text.size() != static_cast<size_t>(*settings_.length)) {
    if (reason) {
      *reason = Cat("value ", Quote(text), " is not ", *settings_.length, " characters long");
    }
    return false;
  }
  return true;
}

bool TemplateKey::CheckStringRules(std::string_view text, std::string* reason) const {
  bool ok = true;
  switch (filter_) {
    case Filter::kNone: break;
    case Filter::kAlphanumeric:
      // Toolkit allows Unicode letters; bytes >= 0x80 (UTF-8) count as letters here.
      for (char c : text) {
        unsigned char u = static_cast<unsigned char>(c);
        if (!(absl::ascii_isalnum(u) || u >= 0x80)) ok = false;
      }
      break;
    case Filter::kAlpha:
      for (char c : text) {
        unsigned char u = static_cast<unsigned char>(c);
        if (!(absl::ascii_isalpha(u) || u >= 0x80)) ok = false;
      }
      break;
    case Filter::kInteger: ok = AllDigits(text); break;
    case Filter::kRegex:
      // Python's re.match: anchored at the start only, as Toolkit does.
      ok = filter_regex_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                                re2::RE2::ANCHOR_START, nullptr, 0);
      break;
  }
  if (!ok) {
    if (reason) *reason = Cat("value ", Quote(text), " does not fit filter_by ", *settings_.filter_by);
    return false;
  }
  return CheckCommonRules(text, reason);
}

bool TemplateKey::ParseIntText(std::string_view text, int64_t* value, std::string* reason) const {
  auto fail = [&](std::string_view why) {
    if (reason) *reason = Cat("value ", Quote(text), " ", why);
    return false;
  };
  std::string_view digits = text;
  if (strict_) {
    const size_t width = static_cast<size_t>(min_width_);
    const std::string why = Cat("does not match format_spec '", *settings_.format_spec, "'");
    if (text.size() > width) {
      if (!AllDigits(text) || text[0] == '0') return fail(why);
    } else if (text.size() < width) {
      return fail(why);
    } else {
      // Up to width-1 pad characters, then 0 or a number without a leading zero.
      const char pad = zero_padded_ ? '0' : ' ';
      size_t i = 0;
      while (i + 1 < text.size() && text[i] == pad) ++i;
      digits = text.substr(i);
      if (!AllDigits(digits) || (digits.size() > 1 && digits[0] == '0')) return fail(why);
    }
  } else {
    if (!zero_padded_) {
      while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
    }
    if (!AllDigits(digits)) return fail("is not an integer");
  }
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  if (digits.size() > 18) return fail("is too large");
  int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  *value = v;
  return true;
}

bool TemplateKey::CheckText(std::string_view text, std::string* reason) const {
  if (text.empty()) {
    if (reason) *reason = "value is empty";
    return false;
  }
  switch (settings_.type) {
    case KeyType::kString:
      return CheckStringRules(text, reason);
    case KeyType::kSequence:
      for (const std::string& spec : frame_specs_) {
        if (text == spec) return true;
      }
      if (IsFlameRange(text)) return true;
      if (!AllDigits(text)) {
        if (reason) {
          *reason = Cat("value ", Quote(text), " is neither a frame number nor one of the frame specs ",
                                 absl::StrJoin(frame_specs_, " "));
        }
        return false;
      }
      [[fallthrough]];
    case KeyType::kInteger: {
      int64_t v = 0;
      if (!ParseIntText(text, &v, reason)) return false;
      absl::Status st = CheckIntChoices(v);
      if (!st.ok()) {
        if (reason) *reason = std::string(st.message());
        return false;
      }
      return true;
    }
    case KeyType::kTimestamp: {
      CivilTime t;
      if (!timestamp_format_->Parse(text, &t)) {
        if (reason) {
          *reason = Cat("value ", Quote(text), " is not a timestamp in format ", timestamp_format_->spec());
        }
        return false;
      }
      return true;
    }
  }
  return false;
}

json TemplateKey::ValueFromText(std::string_view text) const {
  switch (settings_.type) {
    case KeyType::kString:
      return std::string(text);
    case KeyType::kSequence:
      if (!AllDigits(text)) return std::string(text);
      [[fallthrough]];
    case KeyType::kInteger: {
      int64_t v = 0;
      ParseIntText(text, &v, nullptr);
      return v;
    }
    case KeyType::kTimestamp: {
      CivilTime t;
      timestamp_format_->Parse(text, &t);
      return ToIsoString(t);
    }
  }
  return nullptr;
}

std::string TemplateKey::RejectionReason(std::string_view text) const {
  std::string reason;
  if (CheckText(text, &reason)) return "";
  return reason;
}

// ---- value -> text (apply side) ----------------------------------------------------

absl::Status TemplateKey::CheckIntChoices(int64_t value) const {
  const std::string text = std::to_string(value);
  for (const std::string& e : exclusion_texts_) {
    if (text == e) return absl::InvalidArgumentError(Cat("value ", value, " is excluded for this key"));
  }
  if (!int_choices_.empty()) {
    bool found = false;
    for (int64_t c : int_choices_) found = found || c == value;
    if (!found) {
      return absl::InvalidArgumentError(Cat("value ", value, " is not one of the choices [",
                                                     absl::StrJoin(int_choices_, ", "), "]"));
    }
  }
  if (settings_.length && text.size() != static_cast<size_t>(*settings_.length)) {
    return absl::InvalidArgumentError(
        Cat("value ", value, " is not ", *settings_.length, " digits long"));
  }
  return absl::OkStatus();
}

std::string TemplateKey::FormatInt(int64_t value) const {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) >= min_width_) return digits;
  return std::string(min_width_ - digits.size(), zero_padded_ ? '0' : ' ') + digits;
}

absl::StatusOr<std::string> TemplateKey::StringToText(const json& value) const {
  int64_t i = 0;
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (JsonToInt(value, &i)) {
    text = std::to_string(i);
  } else {
    return absl::InvalidArgumentError(Cat("expected a string, got ", JsonTypeName(value)));
  }
  if (text.empty()) return absl::InvalidArgumentError("value is empty");
  std::string reason;
  if (!CheckStringRules(text, &reason)) return absl::InvalidArgumentError(reason);
  if (!subset_regex_) return text;

  const int n = subset_regex_->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> pieces(n + 1);
  if (!subset_regex_->Match(text, 0, text.size(), re2::RE2::ANCHOR_START, pieces.data(), n + 1)) {
    return absl::InvalidArgumentError(
        Cat("value ", Quote(text), " does not fit subset ", Quote(*settings_.subset)));
  }
  std::vector<std::string> groups;
  for (int g = 1; g <= n; ++g) groups.emplace_back(pieces[g].data() ? std::string(pieces[g]) : std::string());
  std::string out;
  if (settings_.subset_format) {
    PB_ASSIGN_OR_RETURN(out, FormatSubset(*settings_.subset_format, groups));
  } else {
    out = absl::StrJoin(groups, "");
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        Cat("value ", Quote(text), " gives an empty text through subset ", Quote(*settings_.subset)));
  }
  return out;
}

absl::StatusOr<std::string> TemplateKey::IntToText(const json& value) const {
  int64_t v = 0;
  if (value.is_string()) {
    std::string reason;
    if (!ParseIntText(value.get<std::string>(), &v, &reason)) return absl::InvalidArgumentError(reason);
  } else if (!JsonToInt(value, &v)) {
    return absl::InvalidArgumentError(Cat("expected an integer, got ", JsonTypeName(value)));
  }
  if (v < 0) {
    return absl::InvalidArgumentError(Cat("value ", v, " is negative; paths hold only non-negative numbers"));
  }
  PB_RETURN_IF_ERROR(CheckIntChoices(v));
  return FormatInt(v);
}

absl::StatusOr<std::string> TemplateKey::SequenceToText(const json& value) const {
  if (value.is_string()) {
    std::string_view s = value.get_ref<const std::string&>();
    if (absl::StartsWith(Sv(s), Sv(kFormatIndicator))) {
      const absl::string_view stripped = absl::StripAsciiWhitespace(Sv(s.substr(kFormatIndicator.size())));
      const std::string_view pattern(stripped.data(), stripped.size());
      for (size_t i = 0; i < std::size(kValidFormatStrings); ++i) {
        if (pattern == kValidFormatStrings[i]) return frame_specs_[i];
      }
      return absl::InvalidArgumentError(Cat(
          "value ", Quote(s), " names no known format; use FORMAT: followed by one of ",
          absl::StrJoin(std::begin(kValidFormatStrings), std::end(kValidFormatStrings), " ")));
    }
    for (const std::string& spec : frame_specs_) {
      if (s == spec) return spec;
    }
    if (IsFlameRange(s)) return std::string(s);
    if (!AllDigits(s)) {
      return absl::InvalidArgumentError(Cat(
          "value ", Quote(s), " is neither a frame number, a frame spec of this key (",
          absl::StrJoin(frame_specs_, " "), "), a FORMAT: string nor a [first-last] range"));
    }
  }
  return IntToText(value);
}

absl::StatusOr<std::string> TemplateKey::TimestampToText(const json& value) const {
  CivilTime t;
  int64_t seconds = 0;
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s == "now" || s == "utc_now") {
      t = CurrentTime(s == "utc_now");
    } else if (!timestamp_format_->Parse(s, &t) && !FromIsoString(s, &t)) {
      return absl::InvalidArgumentError(Cat("value ", Quote(s), " is neither in format ",
                                                     timestamp_format_->spec(), " nor YYYY-MM-DDTHH:MM:SS"));
    }
  } else if (JsonToInt(value, &seconds)) {
    t = FromUnixSeconds(seconds);
  } else {
    return absl::InvalidArgumentError(Cat("expected a timestamp string, got ", JsonTypeName(value)));
  }
  return timestamp_format_->Format(t);
}

absl::StatusOr<std::string> TemplateKey::ToText(const json& value) const {
  switch (settings_.type) {
    case KeyType::kString: return StringToText(value);
    case KeyType::kInteger: return IntToText(value);
    case KeyType::kSequence: return SequenceToText(value);
    case KeyType::kTimestamp: return TimestampToText(value);
  }
  return absl::InternalError("unknown key type");
}

}  // namespace pipebridge::core::templates

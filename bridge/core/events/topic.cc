#include "bridge/core/events/topic.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace pipebridge::core::events {
namespace {

bool IsTopicChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-';
}

// Checks the dotted shape; `allow_wildcards` accepts "*" as a whole segment.
absl::Status ValidateSegments(absl::string_view text, bool allow_wildcards,
                              absl::string_view field, absl::string_view what) {
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": empty ", what));
  if (text.size() > kMaxTopicLength) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", what, " is ", text.size(),
                                                   " characters, at most ", kMaxTopicLength));
  }
  int index = 0;
  for (absl::string_view segment : absl::StrSplit(text, '.')) {
    if (segment.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": empty segment ", index, " in ", what, " \"", text, "\""));
    }
    if (allow_wildcards && segment == "*") {
      ++index;
      continue;
    }
    for (char c : segment) {
      if (!IsTopicChar(c)) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ": ", what, " \"", text, "\" has '", std::string(1, c),
            "' in segment ", index, allow_wildcards
                ? "; segments are [A-Za-z0-9_-]+ or \"*\""
                : "; segments are [A-Za-z0-9_-]+"));
      }
    }
    ++index;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTopic(absl::string_view topic, bool custom, absl::string_view field) {
  absl::Status status = ValidateSegments(topic, /*allow_wildcards=*/false, field, "topic");
  if (!status.ok() || !custom) return status;
  absl::string_view root = topic.substr(0, topic.find('.'));
  for (const char* reserved : kReservedTopicRoots) {
    if (root == reserved) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", reserved, ".\" topics are reserved for the pipeline core"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TopicPattern> TopicPattern::Parse(absl::string_view pattern,
                                                 absl::string_view field) {
  absl::Status status = ValidateSegments(pattern, /*allow_wildcards=*/true, field, "topic pattern");
  if (!status.ok()) return status;
  TopicPattern compiled;
  compiled.text_ = std::string(pattern);
  for (absl::string_view segment : absl::StrSplit(pattern, '.')) {
    compiled.segments_.emplace_back(segment);
    if (segment == "*") compiled.exact_ = false;
  }
  compiled.open_ended_ = compiled.segments_.size() >= 2 && compiled.segments_.back() == "*";
  return compiled;
}

bool TopicPattern::Matches(std::string_view topic) const {
  if (exact_) return topic == text_;
  size_t pos = 0;
  for (const std::string& segment : segments_) {
    if (pos > topic.size()) return false;  // The topic has fewer segments.
    size_t dot = topic.find('.', pos);
    size_t end = dot == std::string_view::npos ? topic.size() : dot;
    if (segment != "*" && topic.substr(pos, end - pos) != segment) return false;
    pos = end + 1;
  }
  // pos > size: every topic segment consumed; otherwise deeper segments remain.
  return pos > topic.size() || open_ended_;
}

absl::StatusOr<TopicPatterns> TopicPatterns::Compile(const std::vector<std::string>& patterns,
                                                     absl::string_view field) {
  TopicPatterns compiled;
  compiled.patterns_.reserve(patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    absl::StatusOr<TopicPattern> pattern =
        TopicPattern::Parse(patterns[i], absl::StrCat(field, "[", i, "]"));
    if (!pattern.ok()) return pattern.status();
    compiled.patterns_.push_back(std::move(*pattern));
  }
  return compiled;
}

bool TopicPatterns::Matches(std::string_view topic) const {
  if (patterns_.empty()) return true;
  for (const TopicPattern& pattern : patterns_) {
    if (pattern.Matches(topic)) return true;
  }
  return false;
}

}  // namespace pipebridge::core::events

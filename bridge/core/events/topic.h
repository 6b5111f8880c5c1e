// Topic names and topic patterns: validation and matching.
//
// A topic is dotted segments of [A-Za-z0-9_-], e.g. "entity.Shot.updated".
// A pattern is a topic whose segments may be "*": "*" matches exactly one
// segment, and a pattern ending in ".*" also matches deeper topics
// ("publish.*" matches "publish.created" and "publish.file.created", not
// "publish"). A pattern without "*" matches exactly that topic.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pipebridge::core::events {

inline constexpr size_t kMaxTopicLength = 255;

// The first segments reserved for events emitted by the core itself.
inline constexpr const char* kReservedTopicRoots[] = {"entity", "publish", "host"};

// OK, or INVALID_ARGUMENT naming `field` ("topic: ..."). With `custom`,
// topics under a reserved root are refused.
absl::Status ValidateTopic(absl::string_view topic, bool custom, absl::string_view field = "topic");

// One compiled pattern.
class TopicPattern {
 public:
  // INVALID_ARGUMENT naming `field` when the pattern is malformed.
  static absl::StatusOr<TopicPattern> Parse(absl::string_view pattern,
                                            absl::string_view field = "topics[0]");
  bool Matches(std::string_view topic) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> segments_;  // "*" is a wildcard segment.
  bool exact_ = true;                  // No wildcard: compare the whole text.
  bool open_ended_ = false;            // Ends in ".*": deeper topics match too.
};

// Any-of a list of patterns; an empty list matches every topic.
class TopicPatterns {
 public:
  TopicPatterns() = default;
  // Errors name the element: "topics[2]: ...".
  static absl::StatusOr<TopicPatterns> Compile(const std::vector<std::string>& patterns,
                                               absl::string_view field = "topics");
  bool Matches(std::string_view topic) const;
  bool empty() const { return patterns_.empty(); }

 private:
  std::vector<TopicPattern> patterns_;
};

}  // namespace pipebridge::core::events

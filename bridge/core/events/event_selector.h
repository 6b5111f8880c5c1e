// Which events a subscriber or a List call wants: topic patterns and a filter.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bridge/core/events/event.h"
#include "bridge/core/events/event_filter.h"
#include "bridge/core/events/topic.h"
#include "nlohmann/json.hpp"

namespace pipebridge::core::events {

// Immutable once compiled, so any thread may call Matches.
class EventSelector {
 public:
  EventSelector() = default;  // Selects every event.
  // INVALID_ARGUMENT naming "topics[i]" or "filters[...]" on bad input.
  static absl::StatusOr<EventSelector> Compile(const std::vector<std::string>& topics,
                                               const nlohmann::json& filters);

  const TopicPatterns& topics() const { return topics_; }
  // The filter alone (callers that already matched the topic).
  bool MatchesFilter(const Event& event) const { return filter_.Matches(event); }
  bool Matches(const Event& event) const {
    return topics_.Matches(event.topic) && filter_.Matches(event);
  }

 private:
  TopicPatterns topics_;
  EventFilter filter_;
};

}  // namespace pipebridge::core::events

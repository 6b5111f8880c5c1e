#include "bridge/core/events/event_selector.h"

#include <utility>

#include "bridge/core/status_macros.h"

namespace pipebridge::core::events {

absl::StatusOr<EventSelector> EventSelector::Compile(const std::vector<std::string>& topics,
                                                     const nlohmann::json& filters) {
  EventSelector selector;
  PB_ASSIGN_OR_RETURN(selector.topics_, TopicPatterns::Compile(topics));
  PB_ASSIGN_OR_RETURN(selector.filter_, EventFilter::Compile(filters));
  return selector;
}

}  // namespace pipebridge::core::events

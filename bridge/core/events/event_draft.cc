#include "bridge/core/events/event_draft.h"

#include "absl/strings/str_cat.h"
#include "bridge/core/events/topic.h"
#include "bridge/core/status_macros.h"

namespace pipebridge::core::events {

absl::StatusOr<std::string> ValidateDraft(const EventDraft& draft, size_t max_payload_bytes) {
  PB_RETURN_IF_ERROR(ValidateTopic(draft.topic, draft.custom));
  if (draft.user.size() > kMaxUserLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("user: ", draft.user.size(), " characters, at most ", kMaxUserLength));
  }
  if (draft.source_host.size() > kMaxSourceHostLength) {
    return absl::InvalidArgumentError(absl::StrCat("source_host: ", draft.source_host.size(),
                                                   " characters, at most ",
                                                   kMaxSourceHostLength));
  }
  if (!draft.project.empty()) {
    if (draft.project.type.empty()) {
      return absl::InvalidArgumentError("project.type: required when a project is given");
    }
    if (draft.project.id <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("project.id: must be positive, got ", draft.project.id));
    }
  }
  if (draft.payload.is_null()) return std::string("{}");
  if (!draft.payload.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload: must be a JSON object, got ", draft.payload.type_name()));
  }
  std::string text;
  try {
    text = draft.payload.dump();
  } catch (const nlohmann::json::type_error&) {
    return absl::InvalidArgumentError("payload: a string is not valid UTF-8");
  }
  if (text.size() > max_payload_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("payload: ", text.size(),
                                                   " bytes serialized, at most ",
                                                   max_payload_bytes));
  }
  return text;
}

}  // namespace pipebridge::core::events

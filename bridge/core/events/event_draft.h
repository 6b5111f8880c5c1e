// Checks what a caller asks to append, before anything is written.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "bridge/core/events/event.h"

namespace pipebridge::core::events {

inline constexpr size_t kMaxUserLength = 256;
inline constexpr size_t kMaxSourceHostLength = 256;

// OK with the payload serialized (compact JSON, "{}" for null), or
// INVALID_ARGUMENT naming the field: topic (shape, reserved prefix when
// draft.custom), payload (not an object, invalid UTF-8, too large), user,
// source_host (too long), project.type / project.id (incomplete reference).
absl::StatusOr<std::string> ValidateDraft(const EventDraft& draft, size_t max_payload_bytes);

}  // namespace pipebridge::core::events

// A strict, slow JSON checker that says where a text stops being JSON. simdjson reports that a
// document is broken but not where; the reader runs this only after simdjson refused the text,
// to turn the refusal into `filters[1]: unexpected end of input (offset 57)`.
#pragma once

#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace pipebridge::transcoding {

// INVALID_ARGUMENT naming the first syntax problem of `json` by its JSON path (including
// invalid UTF-8, unpaired surrogate escapes, nesting deeper than `max_depth`, a top level that
// is not an object, and trailing characters); nullopt when `json` is a well-formed object.
std::optional<absl::Status> FindJsonSyntaxError(std::string_view json, int max_depth);

// The message used for nesting deeper than `max_depth`, shared with the reader.
std::string DepthErrorMessage(int max_depth);

}  // namespace pipebridge::transcoding

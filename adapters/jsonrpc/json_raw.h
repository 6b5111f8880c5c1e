// The raw text of one JSON value read with simdjson On-Demand, shared by the envelope and
// params readers (reading a value is what validates it).
#pragma once

#include <simdjson.h>

#include <string_view>

namespace pipebridge::jsonrpc {

// `s` without trailing JSON whitespace (raw_json_token() keeps it).
std::string_view TrimRight(std::string_view s);

// Reads (and so validates) `value` of the given type, returning its raw JSON text.
simdjson::error_code ConsumeRawJson(simdjson::ondemand::value& value, simdjson::ondemand::json_type type,
                                    std::string_view* raw);

}  // namespace pipebridge::jsonrpc

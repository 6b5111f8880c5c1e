// The pieces of an HTTP request target ("/rpc?token=abc#x") the HTTP transports read: its
// path, its query, and form-decoded query values. Pure functions, shared by JSON-RPC's
// WebSocket upgrade (the token parameter) and Connect's GET requests.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pipebridge::jsonrpc {

// "/rpc?token=1" -> "/rpc".
std::string_view TargetPath(std::string_view target);

// "/a/b?x=1#frag" -> "x=1"; "" without a query.
std::string_view TargetQuery(std::string_view target);

// Decodes an application/x-www-form-urlencoded value as URL query parsers do: '+' is a space,
// "%XX" the byte XX. nullopt when a '%' is not followed by two hex digits; `bad_escape`, when
// given, then receives that '%''s offset in `text`. What to do about it is the caller's policy.
std::optional<std::string> FormDecode(std::string_view text, size_t* bad_escape = nullptr);

}  // namespace pipebridge::jsonrpc

-- Errors as the client hands them out: every failure is `nil, err` where err is a table
--   err.code     gRPC status code number (4 for DEADLINE_EXCEEDED), or a JSON-RPC protocol
--                code (-32700 .. -32603) when the call never reached its handler
--   err.status   the code's name ("DEADLINE_EXCEEDED"; "INVALID_PARAMS" for -32602)
--   err.message  what went wrong, for a person
--   err.data     the server's error.data when it sent one
-- tostring(err) gives "STATUS: message".
local M = {}

M.codes = {
  OK = 0, CANCELLED = 1, UNKNOWN = 2, INVALID_ARGUMENT = 3, DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5, ALREADY_EXISTS = 6, PERMISSION_DENIED = 7, RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9, ABORTED = 10, OUT_OF_RANGE = 11, UNIMPLEMENTED = 12,
  INTERNAL = 13, UNAVAILABLE = 14, DATA_LOSS = 15, UNAUTHENTICATED = 16,
}

-- JSON-RPC 2.0 protocol codes, named as the server's error.data.status does not name them.
M.jsonrpc_names = {
  [-32700] = "PARSE_ERROR", [-32600] = "INVALID_REQUEST", [-32601] = "METHOD_NOT_FOUND",
  [-32602] = "INVALID_PARAMS", [-32603] = "INTERNAL_ERROR",
}

M.names = {}
for name, code in pairs(M.codes) do M.names[code] = name end

local Error = {}
Error.__index = Error
Error.__tostring = function(e) return (e.status or "UNKNOWN") .. ": " .. tostring(e.message) end
M.Error = Error

-- new("NOT_FOUND", "no Shot 42") or new(5, "no Shot 42").
function M.new(code_or_name, message, data)
  local code = type(code_or_name) == "string" and M.codes[code_or_name] or code_or_name
  if type(code) ~= "number" then code = M.codes.UNKNOWN end
  return setmetatable({
    code = code,
    status = M.names[code] or M.jsonrpc_names[code] or "UNKNOWN",
    message = message or "",
    data = data,
  }, Error)
end

function M.is_error(v)
  return getmetatable(v) == Error
end

-- From a JSON-RPC error object: the server's status name wins over our table (it is the
-- authority for codes it adds), the JSON-RPC names cover protocol failures.
function M.from_jsonrpc(obj)
  if type(obj) ~= "table" then return M.new("INTERNAL", "malformed error from the bridge") end
  local err = M.new(tonumber(obj.code) or M.codes.UNKNOWN, tostring(obj.message or ""), obj.data)
  if M.jsonrpc_names[err.code] then
    err.status = M.jsonrpc_names[err.code]
  elseif type(obj.data) == "table" and type(obj.data.status) == "string" then
    err.status = obj.data.status
  end
  return err
end

-- What a host command's handler gave as its error (an Error, a string, or {code=, message=})
-- as the JSON-RPC error object that reaches the caller as that status.
function M.to_jsonrpc(e)
  if type(e) == "table" then
    local code = e.code
    if type(code) == "string" then code = M.codes[code] end
    -- A gRPC failure code, or a JSON-RPC protocol code (-32601 for a method we do not offer).
    if type(code) ~= "number" or not ((code >= 1 and code <= 16) or M.jsonrpc_names[code]) then
      code = M.codes.UNKNOWN
    end
    return {code = code, message = tostring(e.message or ""), data = e.data}
  end
  return {code = M.codes.UNKNOWN, message = tostring(e)}
end

return M

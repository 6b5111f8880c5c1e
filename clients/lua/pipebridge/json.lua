-- The JSON codec the client uses: lua-cjson when it is installed (C speed), else the bundled
-- pure-Lua codec (pipebridge.json_pure). Both behave the same for the client's purposes:
--   encode(value) -> text | nil, err      decode(text) -> value | nil, err (err names the position)
--   null   the JSON null of the active backend (cjson.null or json_pure.null)
--   array(t) marks t as an array so that an empty one encodes as [] rather than {}
--   is_null(v) true for either backend's null
-- PIPEBRIDGE_JSON=pure in the environment forces the pure codec (tests, debugging).
--
-- Differences kept on purpose: with cjson an empty JSON array decodes to a plain empty table
-- (cjson 2.1.0 cannot mark it), so it re-encodes as {}; the pure codec marks decoded arrays.
local pure = require("pipebridge.json_pure")

local M = {}

local TWO_POW_53 = 9007199254740992
local floor, tointeger = math.floor, math.tointeger

-- cjson 2.1.0 writes an empty table as {} (it cannot see our array mark) and prints numbers
-- with at most 14 significant digits (0.1 + 0.2 would arrive as 0.3). This walk tells whether
-- cjson would write value exactly; when not, the pure encoder writes it.
local function cjson_writes_exactly(value, depth)
  if depth > pure.DEFAULT_MAX_DEPTH then return false end
  if getmetatable(value) == pure.array_mt and next(value) == nil then return false end
  for _, v in pairs(value) do
    local tv = type(v)
    if tv == "table" then
      if not cjson_writes_exactly(v, depth + 1) then return false end
    elseif tv == "number" and tonumber(string.format("%.14g", v)) ~= v then
      return false
    end
  end
  return true
end

-- cjson on Lua 5.3+ decodes every number as a float (1 -> 1.0): turn integral values back into
-- integers so both backends agree ("sh" .. id must not become "sh1.0").
local function integers_back(value)
  for k, v in pairs(value) do
    local tv = type(v)
    if tv == "number" then
      if v == floor(v) and v > -TWO_POW_53 and v < TWO_POW_53 then value[k] = tointeger(v) end
    elseif tv == "table" then
      integers_back(v)
    end
  end
  return value
end

local function make_cjson_backend(cjson)
  local codec = cjson.new() -- a private instance: our settings never leak into the host's cjson
  codec.encode_invalid_numbers(false)
  codec.decode_max_depth(pure.DEFAULT_MAX_DEPTH)
  codec.encode_max_depth(pure.DEFAULT_MAX_DEPTH)
  local normalize = tointeger ~= nil
  local backend = {name = "cjson", null = codec.null}
  function backend.encode(value)
    local tv = type(value)
    if (tv == "table" and not cjson_writes_exactly(value, 1))
        or (tv == "number" and tonumber(string.format("%.14g", value)) ~= value) then
      return pure.encode(value, codec.null)
    end
    local ok, text = pcall(codec.encode, value)
    if ok then return text end
    -- cjson refuses what pure refuses too; pure's message names the element's path.
    local _, err = pure.encode(value, codec.null)
    return nil, err or ("json encode: " .. tostring(text))
  end
  function backend.decode(text)
    if type(text) ~= "string" then return pure.decode(text) end
    local ok, value = pcall(codec.decode, text)
    if not ok then
      -- cjson says "... at character N"; pure gives the same facts in our wording.
      local _, err = pure.decode(text)
      return nil, err or ("json decode: " .. tostring(value))
    end
    if normalize then
      if type(value) == "table" then return integers_back(value) end
      if type(value) == "number" and value == floor(value) and value > -TWO_POW_53 and value < TWO_POW_53 then
        return tointeger(value)
      end
    end
    return value
  end
  return backend
end

local function make_pure_backend()
  return {name = "pure", null = pure.null, encode = pure.encode, decode = pure.decode}
end

local backend

-- Selects a backend: "cjson" (fails with nil, err when not installed), "pure", or nil for the
-- default (cjson when installed unless PIPEBRIDGE_JSON=pure).
function M.use(name)
  if name == nil then
    name = os.getenv("PIPEBRIDGE_JSON")
    if name ~= "pure" then
      local ok, cjson = pcall(require, "cjson")
      if ok and type(cjson) == "table" and cjson.new then
        backend = make_cjson_backend(cjson)
      else
        backend = make_pure_backend()
      end
      M.backend, M.null = backend.name, backend.null
      return backend.name
    end
  end
  if name == "pure" then
    backend = make_pure_backend()
  elseif name == "cjson" then
    local ok, cjson = pcall(require, "cjson")
    if not ok or type(cjson) ~= "table" or not cjson.new then return nil, "lua-cjson is not installed" end
    backend = make_cjson_backend(cjson)
  else
    return nil, "unknown JSON backend " .. tostring(name) .. " (use \"cjson\" or \"pure\")"
  end
  M.backend, M.null = backend.name, backend.null
  return backend.name
end

function M.encode(value) return backend.encode(value) end
function M.decode(text) return backend.decode(text) end
M.array = pure.array
M.is_array = pure.is_array

function M.is_null(v)
  return v == backend.null or v == pure.null
end

M.use()
return M

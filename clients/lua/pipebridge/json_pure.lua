-- A JSON codec in plain Lua (5.1, LuaJIT, 5.2-5.4), used when lua-cjson is not installed.
--
-- Contract (shared with the cjson backend through pipebridge.json):
--   encode(value) -> text | nil, err
--   decode(text [, max_depth]) -> value | nil, err   err names the byte position
--   null          sentinel for JSON null (both directions)
--   array(t)      marks t as a JSON array, so an empty one encodes as [] (not {})
-- Numbers: a JSON number with an integral value within +-2^53 decodes to a Lua integer on
-- 5.3+ (entity ids and versions stay integers, "sh" .. id stays "sh7"), else to a float.
-- Decoded arrays carry the array mark, so decode -> encode round-trips [] exactly.
local M = {}

local byte, char, sub, find, format = string.byte, string.char, string.sub, string.find, string.format
local concat = table.concat
local floor, huge = math.floor, math.huge
local tointeger = math.tointeger -- nil before 5.3

M.null = setmetatable({}, {__tostring = function() return "null" end, __name = "json.null"})
M.array_mt = {__name = "json.array"}

M.DEFAULT_MAX_DEPTH = 128
local TWO_POW_53 = 9007199254740992

function M.array(t)
  return setmetatable(t or {}, M.array_mt)
end

function M.is_array(t)
  return getmetatable(t) == M.array_mt
end

-- Encoding ----------------------------------------------------------------------------------

local short_escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

local function escape_char(c)
  return short_escapes[c] or format("\\u%04x", byte(c))
end

local function encode_string(s, out)
  out[#out + 1] = '"' .. s:gsub('[%c"\\]', escape_char) .. '"'
end

local function encode_number(n, path)
  if n ~= n or n == huge or n == -huge then
    return nil, path .. ": " .. tostring(n) .. " is not a JSON number"
  end
  if math.type and math.type(n) == "integer" then return format("%d", n) end
  if n == floor(n) and n > -TWO_POW_53 and n < TWO_POW_53 then return format("%d", n) end
  -- The shortest of 14..17 significant digits that reads back as the same double.
  for digits = 14, 17 do
    local text = format("%." .. digits .. "g", n)
    if tonumber(text) == n then return text end
  end
  return format("%.17g", n)
end

-- Classifies a table: "array" with its length, or "object". Mixed and sparse tables are
-- errors: silently dropping keys would lose data.
local function classify(t, path)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  if getmetatable(t) == M.array_mt then
    if n ~= #t then return nil, path .. ": array has non-sequence keys" end
    return "array", n
  end
  if n == 0 then return "object", 0 end
  if t[1] ~= nil then
    if n ~= #t then return nil, path .. ": table mixes array items and keys (or has holes)" end
    return "array", n
  end
  return "object", n
end

local encode_value
-- A second null accepted while encoding (cjson.null when the cjson backend falls back here).
local extra_null = M.null

local function encode_table(t, out, path, depth, seen)
  if seen[t] then return nil, path .. ": cycle in table" end
  if depth > M.DEFAULT_MAX_DEPTH then return nil, path .. ": nested deeper than " .. M.DEFAULT_MAX_DEPTH end
  local kind, n = classify(t, path)
  if not kind then return nil, n end
  seen[t] = true
  if kind == "array" then
    out[#out + 1] = "["
    for i = 1, n do
      if i > 1 then out[#out + 1] = "," end
      local ok, err = encode_value(t[i], out, path .. "[" .. i .. "]", depth + 1, seen)
      if not ok then return nil, err end
    end
    out[#out + 1] = "]"
  else
    -- Sorted keys: the same table always encodes to the same text (tests, logs, diffs).
    local keys = {}
    for k in pairs(t) do
      if type(k) ~= "string" then
        return nil, path .. ": object key " .. tostring(k) .. " is a " .. type(k) .. ", not a string"
      end
      keys[#keys + 1] = k
    end
    table.sort(keys)
    out[#out + 1] = "{"
    for i, k in ipairs(keys) do
      if i > 1 then out[#out + 1] = "," end
      encode_string(k, out)
      out[#out + 1] = ":"
      local ok, err = encode_value(t[k], out, path .. "." .. k, depth + 1, seen)
      if not ok then return nil, err end
    end
    out[#out + 1] = "}"
  end
  seen[t] = nil
  return true
end

encode_value = function(v, out, path, depth, seen)
  local tv = type(v)
  if v == nil or v == M.null or v == extra_null then
    out[#out + 1] = "null"
  elseif tv == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif tv == "number" then
    local text, err = encode_number(v, path)
    if not text then return nil, err end
    out[#out + 1] = text
  elseif tv == "string" then
    encode_string(v, out)
  elseif tv == "table" then
    return encode_table(v, out, path, depth, seen)
  else
    return nil, path .. ": cannot encode a " .. tv
  end
  return true
end

-- other_null: a value to encode as null besides M.null (e.g. cjson.null).
function M.encode(value, other_null)
  local out = {}
  extra_null = other_null == nil and M.null or other_null
  local ok, err = encode_value(value, out, "$", 1, {})
  if not ok then return nil, "json encode: " .. err end
  return concat(out)
end

-- Decoding ----------------------------------------------------------------------------------

-- Raises {pos=, msg=}; decode() turns it into "json decode: <msg> at byte <pos>".
local function fail(pos, msg)
  error({pos = pos, msg = msg}, 0)
end

local function utf8_encode(cp)
  if cp < 0x80 then return char(cp) end
  if cp < 0x800 then return char(0xC0 + floor(cp / 0x40), 0x80 + cp % 0x40) end
  if cp < 0x10000 then
    return char(0xE0 + floor(cp / 0x1000), 0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
  end
  return char(0xF0 + floor(cp / 0x40000), 0x80 + floor(cp / 0x1000) % 0x40,
              0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
end

local escape_values = {
  [34] = '"', [92] = "\\", [47] = "/", [98] = "\b", [102] = "\f", [110] = "\n", [114] = "\r", [116] = "\t",
}

local Decoder = {}
Decoder.__index = Decoder

function Decoder:skip_space()
  local _, e = find(self.text, "^[ \t\r\n]*", self.pos)
  self.pos = e + 1
end

function Decoder:hex4(pos)
  local digits = sub(self.text, pos, pos + 3)
  if not find(digits, "^%x%x%x%x$") then fail(pos, "expected 4 hex digits after \\u") end
  return tonumber(digits, 16)
end

function Decoder:string()
  local text, pos = self.text, self.pos + 1 -- past the opening quote
  local parts = {}
  while true do
    local s, e = find(text, '^[^"\\%c]+', pos)
    if s then
      parts[#parts + 1] = sub(text, s, e)
      pos = e + 1
    end
    local c = byte(text, pos)
    if c == 34 then -- closing quote
      self.pos = pos + 1
      return concat(parts)
    elseif c == 92 then
      local e2 = byte(text, pos + 1)
      if e2 == 117 then -- \uXXXX, maybe a surrogate pair
        local cp = self:hex4(pos + 2)
        local consumed = 6
        if cp >= 0xD800 and cp <= 0xDBFF then
          if sub(text, pos + 6, pos + 7) ~= "\\u" then
            fail(pos, "high surrogate \\u" .. format("%04X", cp) .. " not followed by a low surrogate")
          end
          local low = self:hex4(pos + 8)
          if low < 0xDC00 or low > 0xDFFF then
            fail(pos + 6, "\\u" .. format("%04X", low) .. " is not a low surrogate")
          end
          cp = 0x10000 + (cp - 0xD800) * 0x400 + (low - 0xDC00)
          consumed = 12
        elseif cp >= 0xDC00 and cp <= 0xDFFF then
          fail(pos, "lone low surrogate \\u" .. format("%04X", cp))
        end
        parts[#parts + 1] = utf8_encode(cp)
        pos = pos + consumed
      elseif e2 and escape_values[e2] then
        parts[#parts + 1] = escape_values[e2]
        pos = pos + 2
      else
        fail(pos, "invalid escape " .. (e2 and ("\\" .. char(e2)) or "at end of text"))
      end
    elseif c == nil then
      fail(self.pos, "unterminated string")
    else
      fail(pos, format("control character 0x%02X in string (escape it)", c))
    end
  end
end

function Decoder:number()
  local text, pos = self.text, self.pos
  local s, e = find(text, "^-?%d+", pos)
  if not s then fail(pos, "invalid number") end
  local integral = sub(text, s, e)
  if find(integral, "^-?0%d") then fail(pos, "leading zero in number") end
  local fs, fe = find(text, "^%.%d+", e + 1)
  if fs then e = fe
  elseif sub(text, e + 1, e + 1) == "." then fail(e + 1, "expected digits after decimal point") end
  local xs, xe = find(text, "^[eE][-+]?%d+", e + 1)
  if xs then e = xe
  elseif find(text, "^[eE]", e + 1) then fail(e + 1, "expected digits in exponent") end
  local n = tonumber(sub(text, pos, e))
  if n == huge or n == -huge then fail(pos, "number out of range") end
  self.pos = e + 1
  if tointeger and n == floor(n) and n > -TWO_POW_53 and n < TWO_POW_53 then
    return tointeger(n) -- integral values become integers, whatever their spelling
  end
  return n
end

function Decoder:literal(word, value)
  if sub(self.text, self.pos, self.pos + #word - 1) ~= word then
    fail(self.pos, "unexpected " .. self:describe_here())
  end
  self.pos = self.pos + #word
  return value
end

function Decoder:describe_here()
  local c = sub(self.text, self.pos, self.pos)
  if c == "" then return "end of text" end
  return format("character %q", c)
end

function Decoder:value(depth)
  self:skip_space()
  local c = byte(self.text, self.pos)
  if c == 123 then return self:object(depth + 1)
  elseif c == 91 then return self:array(depth + 1)
  elseif c == 34 then return self:string()
  elseif c == 116 then return self:literal("true", true)
  elseif c == 102 then return self:literal("false", false)
  elseif c == 110 then return self:literal("null", M.null)
  elseif c == 45 or (c and c >= 48 and c <= 57) then return self:number()
  end
  fail(self.pos, "expected a value, found " .. self:describe_here())
end

function Decoder:check_depth(depth)
  if depth > self.max_depth then fail(self.pos, "nested deeper than " .. self.max_depth) end
end

function Decoder:array(depth)
  self:check_depth(depth)
  local result, n = setmetatable({}, M.array_mt), 0
  self.pos = self.pos + 1
  self:skip_space()
  if byte(self.text, self.pos) == 93 then self.pos = self.pos + 1; return result end
  while true do
    n = n + 1
    result[n] = self:value(depth)
    self:skip_space()
    local c = byte(self.text, self.pos)
    self.pos = self.pos + 1
    if c == 93 then return result end
    if c ~= 44 then self.pos = self.pos - 1; fail(self.pos, "expected ',' or ']', found " .. self:describe_here()) end
  end
end

function Decoder:object(depth)
  self:check_depth(depth)
  local result = {}
  self.pos = self.pos + 1
  self:skip_space()
  if byte(self.text, self.pos) == 125 then self.pos = self.pos + 1; return result end
  while true do
    self:skip_space()
    if byte(self.text, self.pos) ~= 34 then
      fail(self.pos, "expected a string key, found " .. self:describe_here())
    end
    local key = self:string()
    self:skip_space()
    if byte(self.text, self.pos) ~= 58 then fail(self.pos, "expected ':', found " .. self:describe_here()) end
    self.pos = self.pos + 1
    result[key] = self:value(depth)
    self:skip_space()
    local c = byte(self.text, self.pos)
    self.pos = self.pos + 1
    if c == 125 then return result end
    if c ~= 44 then self.pos = self.pos - 1; fail(self.pos, "expected ',' or '}', found " .. self:describe_here()) end
  end
end

function M.decode(text, max_depth)
  if type(text) ~= "string" then
    return nil, "json decode: expected a string, got a " .. type(text)
  end
  local decoder = setmetatable({text = text, pos = 1, max_depth = max_depth or M.DEFAULT_MAX_DEPTH}, Decoder)
  local ok, result = pcall(function()
    local value = decoder:value(0)
    decoder:skip_space()
    if decoder.pos <= #text then fail(decoder.pos, "trailing " .. decoder:describe_here() .. " after the value") end
    return value
  end)
  if ok then return result end
  if type(result) == "table" and result.pos then
    return nil, format("json decode: %s at byte %d", result.msg, result.pos)
  end
  error(result, 0) -- a bug in this codec, not bad input
end

return M

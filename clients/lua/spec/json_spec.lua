-- The bundled pure-Lua JSON codec (what engines without lua-cjson use), and the codec façade
-- falling back to it when cjson is hidden.
local pure = require("pipebridge.json_pure")

describe("pure-Lua JSON codec", function()
  local function round_trip(text)
    local value, err = pure.decode(text)
    assert(err == nil, err)
    return pure.encode(value)
  end

  it("round-trips nested documents exactly (sorted keys)", function()
    for _, text in ipairs({
      '{"a":[1,2,{"b":null}],"c":"x","d":true,"e":false,"f":[],"g":{}}',
      '[[],[[]],{"":""}]',
      '"plain"', "0", "-1", "1.5", "null", "true",
      '{"big":9007199254740991,"neg":-9007199254740991,"pi":3.141592653589793,"tiny":1e-300}',
    }) do
      assert.equal(text, round_trip(text))
    end
  end)

  it("decodes escapes, \\u and surrogate pairs to UTF-8", function()
    assert.equal('a"b\\c/d\b\f\n\r\t', pure.decode('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"'))
    assert.equal("é", pure.decode('"\\u00e9"'))
    assert.equal("€", pure.decode('"\\u20AC"'))
    assert.equal("😀", pure.decode('"\\ud83d\\ude00"'))
    assert.equal("\0", pure.decode('"\\u0000"'))
    assert.equal("𝄞x", pure.decode('"\\uD834\\uDD1Ex"'))
  end)

  it("encodes control characters, quotes and backslashes as escapes and keeps UTF-8", function()
    assert.equal('"a\\"b\\\\c\\n\\u0001\\u001f é😀"', pure.encode('a"b\\c\n\1\31 é😀'))
    assert.equal("\1\31", pure.decode(pure.encode("\1\31")))
  end)

  it("keeps integers integers and doubles exact", function()
    local v = pure.decode('{"id":42,"f":2.0,"x":0.1,"e":1e2}')
    assert.equal(42, v.id)
    assert.equal("42", tostring(v.id)) -- not "42.0" on Lua 5.3+
    assert.equal("100", tostring(v.e))
    assert.equal(0.1, v.x)
    assert.equal("0.30000000000000004", pure.encode(0.1 + 0.2))
    assert.equal("123456789012345", pure.encode(123456789012345))
    assert.equal(2 ^ 60, pure.decode(pure.encode(2 ^ 60)))
  end)

  it("encodes empty tables as objects unless marked as arrays", function()
    assert.equal("{}", pure.encode({}))
    assert.equal("[]", pure.encode(pure.array()))
    assert.equal('{"fields":[]}', pure.encode({fields = pure.array()}))
    assert.is_true(pure.is_array(pure.decode("[]")))
  end)

  it("refuses what JSON cannot carry, naming the element", function()
    local cases = {
      {{a = 0 / 0}, "$.a: "},
      {{a = {1, 2, nil, 4}}, "$.a"},
      {{1, x = 2}, "mixes array items and keys"},
      {{[true] = 1}, "key true is a boolean"},
      {{f = print}, "$.f: cannot encode a function"},
      {{a = {math.huge}}, "$.a[1]"},
    }
    for _, case in ipairs(cases) do
      local text, err = pure.encode(case[1])
      assert.is_nil(text)
      assert.truthy(err:find(case[2], 1, true), err)
    end
    local cyclic = {}
    cyclic.self = cyclic
    local _, err = pure.encode(cyclic)
    assert.truthy(err:find("cycle", 1, true), err)
  end)

  it("reports bad input with its byte position", function()
    local cases = {
      {"", "expected a value, found end of text at byte 1"},
      {"[1,]", "expected a value, found character \"]\" at byte 4"},
      {'{"a" 1}', "expected ':'"},
      {'{"a":1,}', "expected a string key"},
      {"[1 2]", "expected ',' or ']'"},
      {'{"a":1', "expected ',' or '}', found end of text at byte 7"},
      {'"abc', "unterminated string at byte 1"},
      {'"a\\qb"', "invalid escape \\q at byte 3"},
      {'"\\u12"', "expected 4 hex digits"},
      {'"\\ud83d"', "not followed by a low surrogate"},
      {'"\\ud83d\\u0041"', "is not a low surrogate"},
      {'"\\ude00"', "lone low surrogate"},
      {'"a\nb"', "control character 0x0A"},
      {"01", "leading zero"},
      {"1.", "expected digits after decimal point"},
      {"1e", "expected digits in exponent"},
      {"+1", "expected a value"},
      {"NaN", "expected a value"},
      {"tru", "unexpected character \"t\""},
      {"[1] x", "trailing character \"x\" after the value at byte 5"},
      {"{'a':1}", "expected a string key"},
      {"[1e400]", "number out of range at byte 2"},
    }
    for _, case in ipairs(cases) do
      local value, err = pure.decode(case[1])
      assert.is_nil(value, case[1])
      assert.truthy(err and err:find(case[2], 1, true), ("%q gave %s"):format(case[1], tostring(err)))
    end
  end)

  it("limits nesting", function()
    local deep = string.rep("[", 200) .. string.rep("]", 200)
    local _, err = pure.decode(deep)
    assert.truthy(err:find("nested deeper than 128", 1, true), err)
    assert.is_table(pure.decode(string.rep("[", 100) .. string.rep("]", 100)))
    local _, err2 = pure.decode("[[[1]]]", 2)
    assert.truthy(err2:find("nested deeper than 2 at byte 3", 1, true), err2)
  end)
end)

describe("the codec façade", function()
  local saved_loaded, saved_preload, saved_env_json

  -- Reloads pipebridge.json with require("cjson") failing, as on an engine without lua-cjson.
  local function load_without_cjson()
    package.loaded["pipebridge.json"] = nil
    package.loaded["cjson"] = nil
    package.preload["cjson"] = function() error("module 'cjson' not found (hidden by the test)") end
    return require("pipebridge.json")
  end

  before_each(function()
    saved_loaded, saved_preload = package.loaded["cjson"], package.preload["cjson"]
    saved_env_json = package.loaded["pipebridge.json"]
  end)

  after_each(function()
    package.loaded["cjson"], package.preload["cjson"] = saved_loaded, saved_preload
    package.loaded["pipebridge.json"] = saved_env_json
  end)

  it("falls back to the pure codec when cjson is missing", function()
    local json = load_without_cjson()
    assert.equal("pure", json.backend)
    assert.equal(pure.null, json.null)
    assert.equal('{"a":null,"b":[]}', json.encode({a = json.null, b = json.array()}))
    local _, err = json.decode("[1,")
    assert.truthy(err:find("at byte 4", 1, true), err)
  end)

  it("gives the same values with cjson as with the pure codec", function()
    local has_cjson = pcall(require, "cjson")
    if not has_cjson then
      pending("lua-cjson is not installed for " .. _VERSION)
      return
    end
    package.loaded["pipebridge.json"] = nil
    local json = require("pipebridge.json")
    assert.equal("cjson", json.backend)
    local text = '{"id":7,"x":0.5,"s":"\\ud83d\\ude00","n":null,"l":[1,2]}'
    local a, b = json.decode(text), pure.decode(text)
    assert.equal(tostring(b.id), tostring(a.id)) -- "7" on every runtime
    assert.equal(b.x, a.x)
    assert.equal(b.s, a.s)
    assert.is_true(json.is_null(a.n))
    assert.same({1, 2}, {a.l[1], a.l[2]})
    -- What cjson would write imprecisely goes through the pure encoder.
    assert.equal('{"f":[],"x":0.30000000000000004}', json.encode({f = json.array(), x = 0.1 + 0.2}))
    local _, err = json.decode("[1,")
    assert.truthy(err:find("at byte 4", 1, true), err)
  end)
end)

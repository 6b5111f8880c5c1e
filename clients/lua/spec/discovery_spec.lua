-- Finding the bridge from the discovery file, without a server: where the file is looked
-- for, what it must hold, and the errors when it cannot be used.
local discovery = require("pipebridge.discovery")
local json = require("pipebridge.json")

local function temp_dir()
  local p = io.popen("mktemp -d /tmp/pipebridge-lua-discovery-XXXXXX")
  local dir = p:read("*l")
  p:close()
  return dir
end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

describe("discovery", function()
  local dir

  before_each(function() dir = temp_dir() end)
  after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

  it("looks in PIPEBRIDGE_DISCOVERY_DIR, else XDG_RUNTIME_DIR/pipebridge, else ~/.pipebridge", function()
    local env = {PIPEBRIDGE_DISCOVERY_DIR = "/a", XDG_RUNTIME_DIR = "/run/user/1", HOME = "/home/td"}
    local getenv = function(k) return env[k] end
    assert.equal("/a", discovery.directory(getenv))
    env.PIPEBRIDGE_DISCOVERY_DIR = ""
    assert.equal("/run/user/1/pipebridge", discovery.directory(getenv))
    env.XDG_RUNTIME_DIR = nil
    assert.equal("/home/td/.pipebridge", discovery.directory(getenv))
  end)

  it("reads the token and the jsonrpc-tcp endpoint of a live bridge", function()
    local pid = tonumber(io.open("/proc/self/stat"):read("*l"):match("^%d+")) -- a live process
    write(dir .. "/bridge.json", json.encode({pid = pid, token = "t0k", version = "0.1.0",
      endpoints = {grpc = "127.0.0.1:1", ["jsonrpc-tcp"] = "127.0.0.1:47733"}}))
    local found = assert(discovery.read(dir))
    assert.equal("t0k", found.token)
    assert.equal("127.0.0.1:47733", found.address)
    assert.same({"127.0.0.1", 47733}, {discovery.split_address(found.address)})
    assert.same({"::1", 5}, {discovery.split_address("[::1]:5")})
    assert.is_nil(discovery.split_address("no-port"))
  end)

  it("takes PIPEBRIDGE_URL instead of the file, the token in the query or PIPEBRIDGE_TOKEN", function()
    local env = {PIPEBRIDGE_URL = "tcp://127.0.0.1:47733?token=ab%2Bc", PIPEBRIDGE_DISCOVERY_DIR = dir}
    local getenv = function(k) return env[k] end
    assert.same({address = "127.0.0.1:47733", token = "ab+c"}, discovery.locate(nil, getenv))
    env.PIPEBRIDGE_URL, env.PIPEBRIDGE_TOKEN = "tcp://[::1]:5/", "t2"
    assert.same({address = "[::1]:5", token = "t2"}, discovery.locate(nil, getenv))

    local function refused(url, status, text)
      env.PIPEBRIDGE_URL, env.PIPEBRIDGE_TOKEN = url, nil
      local found, err = discovery.locate(nil, getenv)
      assert.is_nil(found)
      assert.equal(status, err.status)
      assert.truthy(err.message:find(text, 1, true), err.message)
    end
    refused("ws://127.0.0.1:47732/rpc?token=x", "INVALID_ARGUMENT", "speaks JSON-RPC over TCP only")
    refused("tcp://nohost?token=x", "INVALID_ARGUMENT", "no host:port")
    refused("tcp://127.0.0.1:47733", "UNAUTHENTICATED", "PIPEBRIDGE_TOKEN is not set")
    env.PIPEBRIDGE_URL = nil
    local _, err = discovery.locate(nil, getenv) -- back to the file, which is missing here
    assert.truthy(err.message:find("no discovery file " .. dir, 1, true), err.message)
  end)

  it("says precisely why a file cannot be used", function()
    local function err_for(text)
      if text then write(dir .. "/bridge.json", text) end
      local found, err = discovery.read(dir)
      assert.is_nil(found)
      assert.equal("UNAVAILABLE", err.status)
      return err.message
    end
    assert.truthy(err_for(nil):find("no discovery file " .. dir .. "/bridge.json", 1, true))
    assert.truthy(err_for("{not json"):find("unreadable discovery file", 1, true))
    assert.truthy(err_for('{"token":"x","endpoints":{"grpc":"127.0.0.1:1"}}'):find("no JSON-RPC over TCP", 1, true))
    local stale = err_for('{"pid":2147483646,"token":"x","endpoints":{"jsonrpc-tcp":"127.0.0.1:1"}}')
    assert.truthy(stale:find("stale (process 2147483646 is gone)", 1, true), stale)
  end)
end)

-- Shared by the specs: clients connected to a BridgeProcess, and bounded waits.
local socket = require("socket")
local pipebridge = require("pipebridge")

local helpers = {}

-- A client of `bridge`, ready (the handshake done), or an assertion failure saying why.
function helpers.connect(bridge, opts)
  opts = opts or {}
  opts.discovery_dir = opts.discovery_dir or bridge.discovery_dir
  opts.name = opts.name or "lua-spec"
  opts.timeout = opts.timeout or 10
  local client, err = pipebridge.connect_sync(opts)
  assert(client, "cannot connect to the test bridge: " .. tostring(err))
  return client
end

-- Polls every client until done() is true or `seconds` pass; true when done.
function helpers.run_until(clients, done, seconds)
  local deadline = socket.gettime() + seconds
  while true do
    for _, c in ipairs(clients) do c:poll() end
    if done() then return true end
    if socket.gettime() >= deadline then return false end
    socket.sleep(0.005)
  end
end

-- A non-blocking call on `client` driven to completion while polling `others` too (e.g. an
-- attached host in this same process). Returns result, err like call_sync.
function helpers.call_polling(client, others, method, params, opts)
  local done, result, failure = false, nil, nil
  local id, err = client:call(method, params, function(r, e) done, result, failure = true, r, e end, opts)
  assert(id, tostring(err))
  local all = {client}
  for _, o in ipairs(others) do all[#all + 1] = o end
  local limit = ((opts and opts.timeout) or client.timeout) + 2
  assert(helpers.run_until(all, function() return done end, limit), method .. " never completed")
  return result, failure
end

return helpers

-- Starts a real `pipebridge serve --demo` for a test, on ephemeral ports with a private
-- discovery folder and project folder, and finds it through its discovery file the way every
-- client does. Restartable on the same ports and project (reconnect tests).
--
--   local bridge = BridgeProcess.start()      -- raises with the server log when it fails
--   bridge.discovery_dir, bridge.token, bridge.tcp_address
--   bridge:stop()      SIGTERM, waits (bounded) for the exit; bridge:restart() same ports
--   bridge:crash_and_restart()   SIGKILL (stale discovery file left behind), then the same
--   bridge:cleanup()   stops and removes the temp folders
local socket = require("socket")
local json = require("pipebridge.json")

local BridgeProcess = {}
BridgeProcess.__index = BridgeProcess

local function quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function run(command)
  local p = assert(io.popen(command))
  local out = p:read("*a")
  p:close()
  return out
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return text
end

-- True while the process exists and is not a zombie (in a container nothing may reap it).
local function alive(pid)
  local stat = read_file("/proc/" .. pid .. "/stat")
  if not stat then return false end
  return not stat:match("^%d+ %b() Z")
end
BridgeProcess.alive = alive

local function parent_of(pid)
  local stat = read_file("/proc/" .. pid .. "/stat")
  return stat and tonumber(stat:match("^%d+ %b() %a (%d+)"))
end

function BridgeProcess.binary()
  local bin = os.getenv("PIPEBRIDGE_BIN")
  if not bin or bin == "" then
    error("PIPEBRIDGE_BIN is not set: point it at the pipebridge executable "
      .. "(ctest sets it; by hand: PIPEBRIDGE_BIN=/path/to/pipebridge busted ...)", 0)
  end
  return bin
end

function BridgeProcess.start(opts)
  opts = opts or {}
  local self = setmetatable({}, BridgeProcess)
  self.bin = BridgeProcess.binary()
  self.root = run("mktemp -d /tmp/pipebridge-lua-XXXXXX"):gsub("%s+$", "")
  self.discovery_dir = self.root .. "/discovery"
  self.project_dir = self.root .. "/project"
  self.log_path = self.root .. "/server.log"
  self.ports = {grpc = 0, http = 0, tcp = 0}
  self.extra_args = opts.args or {}
  self:launch(opts.timeout or 20)
  return self
end

-- The server runs under a shell that waits for it: when the server dies, even by SIGKILL,
-- its parent reaps it at once, as a launcher would. Until reaped, a dead process is a zombie
-- that the next bridge's stale-file check counts as alive.
function BridgeProcess:launch(timeout)
  local args = {}
  for _, a in ipairs(self.extra_args) do args[#args + 1] = quote(a) end
  local server = string.format(
    "%s serve --demo --discovery-dir %s --project-dir %s --grpc-port %d --http-port %d --tcp-port %d %s >>%s 2>&1",
    quote(self.bin), quote(self.discovery_dir), quote(self.project_dir),
    self.ports.grpc, self.ports.http, self.ports.tcp, table.concat(args, " "), quote(self.log_path))
  self.shell_pid = tonumber(run("sh -c " .. quote(server) .. " >/dev/null 2>&1 & echo $!"))
  local deadline = socket.gettime() + timeout
  while socket.gettime() < deadline do
    local doc = json.decode(read_file(self.discovery_dir .. "/bridge.json") or "")
    if type(doc) == "table" and type(doc.pid) == "number" and parent_of(doc.pid) == self.shell_pid then
      self.pid = doc.pid
      self.discovery = doc
      self.token = doc.token
      self.tcp_address = doc.endpoints["jsonrpc-tcp"]
      -- Remember the ports so that a restart listens where clients reconnect.
      self.ports.grpc = tonumber(doc.endpoints.grpc:match(":(%d+)$"))
      self.ports.http = tonumber(doc.endpoints["jsonrpc-ws"]:match(":(%d+)/"))
      self.ports.tcp = tonumber(self.tcp_address:match(":(%d+)$"))
      return
    end
    if not alive(self.shell_pid) then
      error("pipebridge exited at start:\n" .. self:log(), 0)
    end
    socket.sleep(0.02)
  end
  self:kill()
  error("pipebridge wrote no discovery file within " .. timeout .. " s:\n" .. self:log(), 0)
end

function BridgeProcess:log()
  return read_file(self.log_path) or "(no log)"
end

-- SIGTERM and a bounded wait; SIGKILL if it does not go. Returns true when it exited on TERM.
function BridgeProcess:stop(timeout)
  if not self.pid or not alive(self.pid) then return true end
  os.execute("kill -TERM " .. self.pid)
  local deadline = socket.gettime() + (timeout or 10)
  while socket.gettime() < deadline do
    if not alive(self.pid) then return true end
    socket.sleep(0.02)
  end
  self:kill()
  return false
end

function BridgeProcess:kill()
  if self.pid and alive(self.pid) then os.execute("kill -KILL " .. self.pid) end
  if self.shell_pid and alive(self.shell_pid) then os.execute("kill -KILL " .. self.shell_pid) end
end

-- A new server process on the same ports and project folder (new token, same data).
function BridgeProcess:restart(timeout)
  self:stop()
  self:launch(timeout or 20)
end

-- As restart, but the old process dies by SIGKILL: no clean shutdown, a stale discovery file.
function BridgeProcess:crash_and_restart(timeout)
  os.execute("kill -KILL " .. self.pid)
  local deadline = socket.gettime() + 10
  while read_file("/proc/" .. self.pid .. "/stat") and socket.gettime() < deadline do socket.sleep(0.02) end
  self:launch(timeout or 20)
end

function BridgeProcess:cleanup()
  self:stop()
  if self.root and self.root:match("^/tmp/pipebridge%-lua%-") then
    os.execute("rm -rf " .. quote(self.root))
  end
end

return BridgeProcess

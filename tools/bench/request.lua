-- wrk script for tools/bench/run: replays one fixed, pre-signed request.
--
-- The request comes from the environment, so the same file serves every case:
--   KMSLAB_BENCH_METHOD   HTTP method (default POST)
--   KMSLAB_BENCH_PATH     request path (default /)
--   KMSLAB_BENCH_BODY     the exact body that was signed
--   KMSLAB_BENCH_HEADERS  the signed headers, one "Name: value" per line
--                         (Host included, so wrk sends the host that was signed)
-- No request() or response() function is defined on purpose: wrk then builds the
-- request once per thread and skips per-response Lua work, so the load generator
-- costs the same for the floor and for kmslab.

local body = os.getenv("KMSLAB_BENCH_BODY")
local headers = os.getenv("KMSLAB_BENCH_HEADERS")
if body == nil or headers == nil then
  error("request.lua: set KMSLAB_BENCH_BODY and KMSLAB_BENCH_HEADERS (tools/bench/run does)")
end

wrk.method = os.getenv("KMSLAB_BENCH_METHOD") or "POST"
wrk.path = os.getenv("KMSLAB_BENCH_PATH") or "/"
wrk.body = body
for line in headers:gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name == nil then
    error("request.lua: bad header line: " .. line)
  end
  wrk.headers[name] = value
end

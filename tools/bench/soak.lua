-- wrk script for tools/bench/soak: a mix of pre-signed requests, in turn, at a
-- fixed rate or as fast as the connections go.
--
--   KMSLAB_SOAK_REQUESTS  a Lua file returning a list of {method, path, headers, body}
--                         (tools/bench/soak writes it)
--   KMSLAB_SOAK_RATE      total requests per second over all threads; 0 or unset: no pacing
--   KMSLAB_SOAK_THREADS   wrk's -t, to split the rate between threads
--
-- Pacing: each thread keeps a schedule, one slot every THREADS / RATE seconds; a
-- connection ready to send waits (delay()) until the next free slot. A schedule
-- that fell more than a second behind (the server could not keep up) restarts
-- from now instead of bursting to catch up.

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } kmslab_soak_timespec;
int clock_gettime(int clk_id, kmslab_soak_timespec *tp);
]]
local ts = ffi.new("kmslab_soak_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local list = dofile(os.getenv("KMSLAB_SOAK_REQUESTS"))
local rate = tonumber(os.getenv("KMSLAB_SOAK_RATE") or "0")
local threads = tonumber(os.getenv("KMSLAB_SOAK_THREADS") or "1")
local interval = rate > 0 and threads * 1000 / rate or 0

local formatted = {}
local turn = 0
local next_slot = nil

function init(args)
  for i, r in ipairs(list) do
    formatted[i] = wrk.format(r[1], r[2], r[3], r[4])
  end
  turn = math.random(#formatted) - 1
end

function request()
  turn = turn % #formatted + 1
  return formatted[turn]
end

if interval > 0 then
  function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now - 1000 then next_slot = now end
    local wait = next_slot - now
    next_slot = next_slot + interval
    if wait < 1 then return 0 end
    return math.floor(wait)
  end
end

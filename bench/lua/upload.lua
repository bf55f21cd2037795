-- 100-key PUT /room_keys/keys batches, as Element sends them; each connection uploads new
-- sessions of its own. Env: RK_TOKEN, RK_VERSION, RK_PREFIX, RK_REQUESTS (per thread), and
-- RK_TOKEN_PER_THREAD to upload as one user per thread.
package.path = os.getenv("RK_LUA_DIR") .. "/?.lua;" .. package.path
local keys = require("keys")

local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local answered = 0
local limit = tonumber(os.getenv("RK_REQUESTS") or "0")
local prefix = os.getenv("RK_PREFIX") or ""
local path = "/_matrix/client/v3/room_keys/keys?version=" .. (os.getenv("RK_VERSION") or "1")
local headers

function init(args)
  headers = keys.headers(tid)
end

-- Keys follow the answers, not the calls: wrk may build a request it never sends, and each
-- connection has one request in flight (one connection per thread), so answer N carries keys
-- 100 * N .. 100 * N + 99 of this thread.
function request()
  local parts, rooms = {}, {}
  local first = answered * 100
  local order = {}
  for k = first, first + 99 do
    local room = keys.room(prefix, tid, k)
    if not rooms[room] then rooms[room] = {}; order[#order + 1] = room end
    local list = rooms[room]
    list[#list + 1] = '"' .. keys.session(prefix, tid, k) ..
      '":{"first_message_index":0,"forwarded_count":0,"is_verified":false,"session_data":' ..
      keys.data .. '}'
  end
  for _, room in ipairs(order) do
    parts[#parts + 1] = '"' .. room .. '":{"sessions":{' .. table.concat(rooms[room], ",") .. '}}'
  end
  return wrk.format("PUT", path, headers, '{"rooms":{' .. table.concat(parts, ",") .. '}}')
end

-- wrk runs for its whole duration even after every thread stopped, so each thread leaves a
-- marker in RK_DONE_DIR and bench/run.sh ends wrk (SIGINT) once all are there.
function response(status, headers, body)
  answered = answered + 1
  if limit > 0 and answered == limit then
    local marker = io.open(os.getenv("RK_DONE_DIR") .. "/" .. tid, "w")
    marker:close()
    wrk.thread:stop()
  end
end

done = keys.report

-- GET /room_keys/keys/{roomId}/{sessionId} of random stored sessions.
-- Env: RK_TOKEN, RK_VERSION, RK_PREFIX, RK_UPLOAD_THREADS, RK_KEYS_PER_THREAD.
package.path = os.getenv("RK_LUA_DIR") .. "/?.lua;" .. package.path
local keys = require("keys")

local prefix = os.getenv("RK_PREFIX") or ""
local upload_threads = tonumber(os.getenv("RK_UPLOAD_THREADS"))
local per_thread = tonumber(os.getenv("RK_KEYS_PER_THREAD"))
local query = "?version=" .. (os.getenv("RK_VERSION") or "1")
local headers

function init(args)
  headers = keys.headers()
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local t = math.random(0, upload_threads - 1)
  local k = math.random(0, per_thread - 1)
  return wrk.format("GET", "/_matrix/client/v3/room_keys/keys/" .. keys.room(prefix, t, k) ..
                    "/" .. keys.session(prefix, t, k) .. query, headers)
end

done = keys.report

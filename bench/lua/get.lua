-- GET of one fixed path (RK_PATH) with the bearer token: the version-info workload, and the
-- empty-route limit.
package.path = os.getenv("RK_LUA_DIR") .. "/?.lua;" .. package.path
local keys = require("keys")
local path = os.getenv("RK_PATH")
local headers

function init(args)
  headers = keys.headers()
end

function request()
  return wrk.format("GET", path, headers)
end

done = keys.report

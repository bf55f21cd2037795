-- Shared by the benchmark scripts: where key K of upload thread T lives. Rooms take sessions
-- in a repeating pattern of 3, 30, 300 and 3000 sessions (a few to a few thousand per room).
local keys = {}

local pattern = {3, 30, 300, 3000}
local cycle = 3333

function keys.room(prefix, thread, k)
  local c, offset = math.floor(k / cycle), k % cycle
  local r = 0
  local bound = 0
  for i = 1, #pattern do
    bound = bound + pattern[i]
    if offset < bound then r = i - 1; break end
  end
  return "!" .. prefix .. "t" .. thread .. "r" .. (c * 4 + r) .. ":bench.example"
end

function keys.session(prefix, thread, k)
  return prefix .. "t" .. thread .. "s" .. k
end

-- About 1.2 KB, shaped like m.megolm_backup.v1.curve25519-aes-sha2 session data.
keys.data = '{"ciphertext":"' .. string.rep("c", 1100) .. '","ephemeral":"' ..
            string.rep("e", 44) .. '","mac":"' .. string.rep("m", 22) .. '"}'

-- With RK_TOKEN_PER_THREAD set, thread T authenticates as its own user (token RK_TOKEN-T).
function keys.headers(thread)
  local token = os.getenv("RK_TOKEN")
  if os.getenv("RK_TOKEN_PER_THREAD") and thread then token = token .. "-" .. thread end
  return {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
end

-- One parseable line for bench/run.sh.
function keys.report(summary, latency)
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f errors=%d non2xx=%d mean_us=%.1f p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency.mean, latency:percentile(50), latency:percentile(99)))
end

return keys

-- post_state.lua: POST /builds/{uuid}/state, round-robin over the builds
-- listed in BENCH_UUID_FILE (one uuid per line) so that row locks are spread
-- out, as ../shared/bench/wrk/post_state.lua does. Unlike the anchors' script
-- (always 25) the state cycles through the non-terminal codes, as a pipeline
-- moves a build along: every request then really changes the build's state,
-- and the build_counts triggers do their work.
-- Env: BENCH_KEY, BENCH_UUID_FILE, BENCH_PREFIX (default empty).
local uuids = {}
for line in io.lines(os.getenv("BENCH_UUID_FILE")) do
  if #line > 0 then uuids[#uuids + 1] = line end
end
local prefix = os.getenv("BENCH_PREFIX") or ""
local headers = { ["Content-Type"] = "application/json",
                  ["X-API-Key"] = os.getenv("BENCH_KEY") }
local codes = { 10, 20, 25, 30, 40 }

local nthreads = 0
function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
end

local i, n = 0, 0
function init(args)
  i = ((tid or 0) * 37) % #uuids
end

function request()
  i = i % #uuids + 1
  n = n + 1
  local body = '{"state_code":' .. codes[n % #codes + 1] .. ',"message":"image build in progress"}'
  return wrk.format("POST", prefix .. "/builds/" .. uuids[i] .. "/state", headers, body)
end

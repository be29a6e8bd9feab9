-- post_builds.lua: POST /builds with a build_id unique to this run, thread
-- and request (Stratus answers a repeated build_id with 200, not 201: a
-- retry, which would measure a different path). The rest of the body is the
-- anchors' example (../shared/bench/wrk/post_builds.lua) but for commit_hash:
-- "abc123" there, which Stratus refuses (7-64 characters), "abc1234" here.
-- Env: BENCH_KEY (X-API-Key), BENCH_TAG (unique per wrk run), BENCH_PREFIX
-- (URL prefix, default empty).
local key = os.getenv("BENCH_KEY")
local tag = os.getenv("BENCH_TAG") or tostring(os.time())
local path = (os.getenv("BENCH_PREFIX") or "") .. "/builds"
local headers = { ["Content-Type"] = "application/json", ["X-API-Key"] = key }

local nthreads = 0
function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
end

local n = 0
function request()
  n = n + 1
  local body = '{"platform":"aws-commercial","os_version":"rhel-8.8","image_type":"base",'
    .. '"build_id":"' .. tag .. '-' .. (tid or 0) .. '-' .. n .. '",'
    .. '"pipeline_url":"https://gitlab.example.com/group/project/-/pipelines/1",'
    .. '"commit_hash":"abc1234"}'
  return wrk.format("POST", path, headers, body)
end

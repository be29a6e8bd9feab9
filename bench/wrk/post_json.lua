-- post_json.lua: POST the same JSON body (the file BENCH_BODY_FILE) to the
-- URL given to wrk, with X-API-Key: BENCH_KEY. Used for POST /generate.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_KEY")

-- report.lua: appended to every wrk script by bench/run; prints one
-- machine-readable summary line. Latency in microseconds. errors.status
-- counts HTTP responses with a status above 399 (wrk's own definition),
-- which bench/run reports as non-2xx: the workloads never expect 1xx/3xx.
-- Same line as ../shared/bench/wrk/report.lua, prefixed BENCH.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end

-- One short check-in per request, as a partner would send it (bench/ingest.py).
-- The bearer token comes from ATTUNE_TOKEN (the floor ignores it). At the end, one line
-- "WRK_JSON {...}" with exact counts and percentiles (microseconds) for the harness to parse;
-- wrk counts a response with status > 399 as a status error ("Non-2xx or 3xx responses").

wrk.method = "POST"
wrk.body = '{"text": "We talked after dinner and it went better than last week.", "mood": 4, "connection": 4}'
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("ATTUNE_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "max": %d, "p50": %d, "p75": %d, "p90": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(99)))
end

-- wrk script for scripts/bench-webhooks: each request POSTs the next
-- pre-signed webhook body (one per line of $BENCH_BODIES_FILE); threads take
-- interleaved lines so no body is sent twice. The thread count comes as the
-- script argument (`-- N`): a thread may start before the next is set up.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(os.getenv("BENCH_BODIES_FILE")) do bodies[#bodies + 1] = line end
  nthreads = tonumber(args[1])
  index = tid + 1
  non200 = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = bodies[index]
  index = index + nthreads
  if index > #bodies then index = (index % #bodies) + 1 end
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non200") or 0) end
  local seconds = summary.duration / 1e6
  io.write(string.format("bench-webhooks ingest: %d events in %.1f s = %.0f events/s p50=%.2fms p99=%.2fms max=%.2fms non200=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

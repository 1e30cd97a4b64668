-- Shared by get.lua and crud.lua (run by bench/http.py). done() prints one line:
--   HTTP_BENCH {"requests":...,"rps":...,"p50_ms":...,...}
-- Latencies in milliseconds. misses/reads/writes are the scripts' per-thread globals.
local M = { threads = {} }

function M.setup(thread)
  M.threads[#M.threads + 1] = thread
end

function M.done(summary, latency, requests)
  local misses, reads, writes = 0, 0, 0
  for _, t in ipairs(M.threads) do
    misses = misses + (t:get("misses") or 0)
    reads = reads + (t:get("reads") or 0)
    writes = writes + (t:get("writes") or 0)
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'HTTP_BENCH {"requests":%d,"duration_s":%.3f,"rps":%.1f,"mean_ms":%.3f,"p50_ms":%.3f,' ..
    '"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"err_connect":%d,"err_read":%d,' ..
    '"err_write":%d,"err_timeout":%d,"err_status":%d,"misses":%d,"reads":%d,"writes":%d}\n',
    summary.requests, secs, summary.requests / secs, latency.mean / 1000,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.connect, e.read, e.write, e.timeout,
    e.status, misses, reads, writes))
end

return M

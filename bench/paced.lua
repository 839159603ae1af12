-- wrk script: each connection waits WRK_DELAY_MS (default 2) between its requests, so both
-- proxies carry the same moderate load (below saturation) and their latency is compared there.
local d = tonumber(os.getenv("WRK_DELAY_MS") or "2")
function delay()
  return d
end

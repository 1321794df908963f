-- wrk script: closed-loop order placement. Each request is POST /api/v1/orders with three
-- distinct SKUs of the ones given (varying from request to request) and quantities 1-5.
--   wrk -t2 -c64 -d10s -s bench/orders.lua http://127.0.0.1:PORT -- TOKEN CUSTOMER_ID SKU1,SKU2,...
-- done() prints orders/s, the non-201 count and latency p50/p99/p99.9 (wrk measures from
-- the actual send, so under a stall this understates the tail: see order_load for paced runs).

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local headers = {}
local customer
local skus = {}
local counter = 0
non201 = 0

function init(args)
  headers["Authorization"] = "Bearer " .. args[1]
  headers["Content-Type"] = "application/json"
  customer = args[2]
  for s in string.gmatch(args[3], "[^,]+") do
    table.insert(skus, s)
  end
  counter = id * 1000003 -- threads walk different parts of the same pattern
end

function request()
  local m = #skus
  local half = math.floor((m - 1) / 2)
  local i = counter
  counter = counter + 1
  local a = i % m
  local b = (a + 1 + math.floor(i / m) % half) % m
  local c = (b + 1 + math.floor(i / (m * half)) % half) % m
  local body = string.format(
    '{"customer_id":"%s","items":[{"sku":"%s","qty":%d},{"sku":"%s","qty":%d},{"sku":"%s","qty":%d}]}',
    customer, skus[a + 1], 1 + i % 5, skus[b + 1], 1 + (i + 1) % 5, skus[c + 1], 1 + (i + 2) % 5)
  return wrk.format("POST", "/api/v1/orders", headers, body)
end

function response(status, hdrs, body)
  if status ~= 201 then
    non201 = non201 + 1
  end
end

function done(summary, latency, requests)
  local non = 0
  for _, t in ipairs(threads) do
    non = non + (t:get("non201") or 0)
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("orders: %d in %.1f s = %.0f orders/s; non-201: %d; socket errors: " ..
    "connect %d, read %d, write %d, timeout %d\n", summary.requests, secs,
    summary.requests / secs, non, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end

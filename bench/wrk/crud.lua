-- Create then read, alternating on each connection: POST PREFIX/test_helpers/orders (one
-- unit of SELLER_SKU), then GET PREFIX/orders/<the order_id it answered>, then the next POST.
-- Args after --: API_KEY SELLER_SKU [PREFIX, default /api/v1]
-- wrk keeps Lua state per thread, not per connection: run it with as many threads as
-- connections (wrk -tN -cN). A miss: a write with no order_id in a 2xx answer, or a read
-- that is not 200 or names another order.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local report = require "report"
setup = report.setup
done = report.done

misses, reads, writes = 0, 0, 0
local phase, oid = "write", nil
local prefix, body, write_headers, read_headers

function init(args)
  local auth = "Bearer " .. args[1]
  prefix = args[3] or "/api/v1"
  body = '{"items":[{"seller_sku":"' .. args[2] .. '","quantity":1}],"payment_method":"cod"}'
  write_headers = { ["Accept"] = "application/json", ["Authorization"] = auth,
                    ["Content-Type"] = "application/json" }
  read_headers = { ["Accept"] = "application/json", ["Authorization"] = auth }
end

local function order_id(text)
  return text and text:match('"order_id"%s*:%s*"?([%w_%-]+)')
end

function request()
  if phase == "write" then
    return wrk.format("POST", prefix .. "/test_helpers/orders", write_headers, body)
  end
  return wrk.format("GET", prefix .. "/orders/" .. oid, read_headers)
end

function response(status, headers, text)
  if phase == "write" then
    local id = status >= 200 and status < 300 and order_id(text)
    if id then
      writes = writes + 1
      oid = id
      phase = "read"
    else
      misses = misses + 1
    end
  else
    if status == 200 and order_id(text) == oid then
      reads = reads + 1
    else
      misses = misses + 1
    end
    phase = "write"
  end
end

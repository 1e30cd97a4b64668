-- GET the URL given to wrk (a signed /rest/order/get: the signature is in its query string).
-- The gateway answers HTTP 200 even to an error: bench/lazada.py checks the URL's answer
-- before and after the load.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local report = require "report"
setup = report.setup
done = report.done

function init(args)
  wrk.headers["Accept"] = "application/json"
end

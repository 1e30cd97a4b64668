-- GET the URL given to wrk (one order) with the sandbox's key. Args after --: API_KEY
-- No request()/response(): wrk sends the same prepared request; non-2xx count as err_status.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local report = require "report"
setup = report.setup
done = report.done

function init(args)
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end

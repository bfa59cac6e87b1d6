-- make bench's HTTP load, for wrk (bench/wrk.py starts it). Read from the environment:
--   WRK_PATHS    a file of request paths, one per line, taken in turn
--   WRK_FRESH    a run token: when set, every request gets `_n=<token>-<thread>-<count>` appended, so no two
--                requests share a query string and none is answered from the rendered-response cache
--   WRK_HEADERS  a file of header sets, one per line, "Name: value" pairs separated by tabs; thread k sends
--                line k (e.g. one editor's token per connection with -t N -c N)
--   WRK_METHOD   GET (default) or POST
--   WRK_EXPECT   the statuses that count as answered, comma-separated (default 200)
-- done() prints one JSON line: requests, seconds, socket errors, unexpected statuses, latency percentiles.

local threads = {}
local counter = 0

local function lines(name)
  local out = {}
  if name and name ~= "" then
    for line in io.lines(name) do
      if line ~= "" then
        out[#out + 1] = line
      end
    end
  end
  return out
end

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  threads[#threads + 1] = thread
end

local paths, fresh, method, headers, expected
local n = 0
unexpected = 0 -- a global: done() reads each thread's with thread:get

function init(args)
  paths = lines(os.getenv("WRK_PATHS"))
  fresh = os.getenv("WRK_FRESH")
  method = os.getenv("WRK_METHOD") or "GET"
  headers = {}
  local sets = lines(os.getenv("WRK_HEADERS"))
  if #sets > 0 then
    for pair in string.gmatch(sets[(id % #sets) + 1], "[^\t]+") do
      local name, value = string.match(pair, "^([^:]+):%s*(.*)$")
      headers[name] = value
    end
  end
  expected = {}
  for code in string.gmatch(os.getenv("WRK_EXPECT") or "200", "%d+") do
    expected[tonumber(code)] = true
  end
end

function request()
  n = n + 1
  local path = paths[(n % #paths) + 1]
  if fresh and fresh ~= "" then
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. "_n=" .. fresh .. "-" .. id .. "-" .. n
  end
  return wrk.format(method, path, headers)
end

function response(status, headers, body)
  if not expected[status] then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("unexpected")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "socket_errors": %d, "unexpected": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, wrong,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean
  ))
end

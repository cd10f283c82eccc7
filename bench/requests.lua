-- wrk script: send SMS webhook requests signed in advance by bench/traffic.py.
--
--   wrk -t2 -c16 -d15s -s bench/requests.lua http://127.0.0.1:PORT/sms -- FILE THREADS
--
-- FILE has one request per line: "<X-Twilio-Signature>\t<url-encoded form body>".
-- Thread k (0-based) of THREADS sends lines k+1, k+1+THREADS, ..., so no two threads send the
-- same MessageSid; a thread that runs out of lines starts its share again, which the summary
-- reports as "wrapped" (the file was too small for the run).
-- At the end one line "BENCH key=value ..." sums up the run for bench/webhook.py.

local threads = {}
local next_id = 0

function setup(thread)
   -- Runs in the main state, once per thread, before it starts.
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

function init(args)
   -- Runs in each thread: pre-format this thread's share of the requests.
   local file, nthreads = args[1], tonumber(args[2])
   local host = wrk.host .. ":" .. wrk.port  -- the host and port the requests were signed for
   requests = {}
   local n = 0
   for line in io.lines(file) do
      if n % nthreads == id then
         local tab = line:find("\t", 1, true)
         local headers = {
            ["Host"] = host,
            ["Content-Type"] = "application/x-www-form-urlencoded",
            ["X-Twilio-Signature"] = line:sub(1, tab - 1),
            ["User-Agent"] = "TwilioProxy/1.1",
            ["Accept"] = "*/*",
         }
         requests[#requests + 1] = wrk.format("POST", wrk.path, headers, line:sub(tab + 1))
      end
      n = n + 1
   end
   share = #requests
   index, sent, non2xx, nomessage = 0, 0, 0, 0
end

function request()
   -- The next request of this thread's share.
   index = index % share + 1
   sent = sent + 1
   return requests[index]
end

function response(status, headers, body)
   -- Count what is not a 2xx, and 2xx replies without a <Message> (empty TwiML).
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   elseif not body:find("<Message>", 1, true) then
      nomessage = nomessage + 1
   end
end

function done(summary, latency, reqs)
   -- One machine-readable summary line (latencies in microseconds).
   local sent_all, non2xx_all, nomessage_all, wrapped = 0, 0, 0, 0
   for _, thread in ipairs(threads) do
      sent_all = sent_all + thread:get("sent")
      non2xx_all = non2xx_all + thread:get("non2xx")
      nomessage_all = nomessage_all + thread:get("nomessage")
      if thread:get("sent") > thread:get("share") then
         wrapped = wrapped + 1
      end
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f "
         .. "sent=%d non2xx=%d nomessage=%d wrapped_threads=%d "
         .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean, sent_all, non2xx_all, nomessage_all, wrapped,
      e.connect, e.read, e.write, e.status, e.timeout))
end

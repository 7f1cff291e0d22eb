-- wrk script of bench/listener_load.sh: POSTs pre-signed Cloud API webhooks over keep-alive.
-- Its argument (after `--`) is a folder with one file per wrk thread, requests-<n>.txt, of lines
-- "<X-Hub-Signature-256><TAB><body>"; each thread sends its file's requests in turn, over again
-- when it gets to the end. The requests are formatted once, in init(), so that wrk spends no time
-- on them while it measures.

local threadCount = 0

function setup(thread)
    threadCount = threadCount + 1
    thread:set("id", threadCount)
end

function init(args)
    local file = assert(io.open(args[1] .. "/requests-" .. id .. ".txt", "r"))
    prepared = {}
    for line in file:lines() do
        local signature, body = line:match("^([^\t]+)\t(.+)$")
        prepared[#prepared + 1] = wrk.format("POST", "/webhook", {
            ["Content-Type"] = "application/json",
            ["X-Hub-Signature-256"] = signature,
        }, body)
    end
    file:close()
    assert(#prepared > 0, "no requests in the file of thread " .. id)
    cursor = 0
end

function request()
    cursor = cursor % #prepared + 1
    return prepared[cursor]
end

-- One machine-readable line for the shell script (latencies in µs).
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "WRK requests=%d duration_us=%d non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d " ..
        "p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d\n",
        summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
        latency.max))
end

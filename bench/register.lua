-- wrk script for bench/load.py: every request is a new registration (POST /register/).
--
-- Usage: wrk -t2 -c64 -d10s -s bench/register.lua URL -- CSRF_TOKEN PREFIX "1,11;2,12;..."
-- The CSRF token and cookie come from one GET of the form (bench/load.py does it). Emails are
-- unique per thread and request; forum sets are taken in turn, so picks spread over the
-- forums. A success is a 302 to /register/done/; anything else is counted by status. done()
-- prints one line that bench/load.py reads: "gotc-register ok=N other=STATUS:COUNT,...".

local threads = {}

function setup(thread)
    thread:set("number", #threads + 1)
    table.insert(threads, thread)
end

-- Globals of each thread's Lua state: done() reads ok and other through thread:get().
token, prefix, forum_sets, headers = nil, nil, nil, nil
counter, ok, other = 0, 0, {}

function init(args)
    token, prefix = args[1], args[2]
    forum_sets = {}
    for set in string.gmatch(args[3], "[^;]+") do
        local forums = {}
        for forum in string.gmatch(set, "[^,]+") do
            table.insert(forums, "&forums=" .. forum)
        end
        table.insert(forum_sets, table.concat(forums))
    end
    headers = {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Cookie"] = "csrftoken=" .. token,
        ["Referer"] = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port .. "/register/",
    }
end

function request()
    counter = counter + 1
    local body = "csrfmiddlewaretoken=" .. token
        .. "&full_name=Bench+Attendee+" .. number .. "-" .. counter
        .. "&email=" .. prefix .. number .. "-" .. counter .. "%40example.org"
        .. "&organization=Bench&job_title=Engineer&language=en&consent=on"
        .. forum_sets[(counter % #forum_sets) + 1]
    return wrk.format("POST", "/register/", headers, body)
end

function response(status, response_headers, body)
    local location = response_headers["Location"] or response_headers["location"] or ""
    if status == 302 and string.find(location, "/register/done/", 1, true) then
        ok = ok + 1
    else
        other[status] = (other[status] or 0) + 1
    end
end

function done(summary, latency, requests)
    local total_ok, statuses = 0, {}
    for _, thread in ipairs(threads) do
        total_ok = total_ok + thread:get("ok")
        for status, count in pairs(thread:get("other")) do
            statuses[status] = (statuses[status] or 0) + count
        end
    end
    local parts = {}
    for status, count in pairs(statuses) do
        table.insert(parts, status .. ":" .. count)
    end
    io.write(string.format("gotc-register ok=%d other=%s\n", total_ok, table.concat(parts, ",")))
end

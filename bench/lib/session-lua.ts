import { ACCEPT, INITIALIZE_2025 } from './http-session.js';
import { wrkHeaders } from './wrk.js';

/**
 * wrk Lua that opens 2025-11-25 sessions over Streamable HTTP: each `initialize` answer's session id
 * is queued and that session's `notifications/initialized` is a connection's next request; `done`
 * prints `SESSIONS <initialized> FAILED <non-2xx> IN <µs>`. Globals (not locals) so `done` can read
 * them with thread:get. With `limit`, the thread sends `limit` initializes, then GETs of `idlePath`
 * (cheap, answered by every node) while the last answers are due, and stops once `limit` sessions
 * are initialized or failed: exactly that many sessions, however fast the server (run it with one
 * wrk thread: the call wrk makes to check the script is discounted in the first thread only), and
 * prints SESSIONS_DONE (pass it as `stopOn` to runWrkScript, so wrk ends then).
 */
export const SESSIONS_DONE = 'ERLMCP-SESSIONS-DONE';

export function sessionSetupLua(options: { limit?: number; idlePath?: string } = {}): string {
  const limit = options.limit ?? 0;
  return `wrk.method = "POST"
${wrkHeaders(ACCEPT)}
pending = {}
stopped = false
sessions = 0
failed = 0
-- -1: wrk calls request() once before the run to check it (script_verify_request, first thread).
local started = -1
local limit = ${limit}
local init = ${JSON.stringify(INITIALIZE_2025)}
local ack = '{"jsonrpc":"2.0","method":"notifications/initialized"}'
request = function()
  local id = table.remove(pending)
  if id then
    return wrk.format(nil, nil, {["content-type"] = "application/json",
      ["accept"] = "application/json, text/event-stream",
      ["mcp-session-id"] = id, ["mcp-protocol-version"] = "2025-11-25"}, ack)
  end
  if limit > 0 and started >= limit then
    return wrk.format("GET", ${JSON.stringify(options.idlePath ?? '/healthz')}, nil, "")
  end
  started = started + 1
  return wrk.format(nil, nil, nil, init)
end
response = function(status, headers, body)
  if status == 202 then
    sessions = sessions + 1
  elseif status >= 300 then
    failed = failed + 1
  else
    for name, value in pairs(headers) do
      if string.lower(name) == "mcp-session-id" then table.insert(pending, value) end
    end
  end
  if limit > 0 and sessions + failed >= limit and not stopped then
    stopped = true
    io.write("${SESSIONS_DONE}\\n")
    io.flush()
    wrk.thread:stop()
  end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local total = 0
  local errors = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sessions")
    errors = errors + thread:get("failed")
  end
  io.write("SESSIONS " .. total .. " FAILED " .. errors .. " IN " .. summary.duration .. "\\n")
end
`;
}

/** The counts `sessionSetupLua`'s `done` printed. */
export function sessionCounts(stdout: string): { sessions: number; failed: number; seconds: number } {
  const match = /SESSIONS (\d+) FAILED (\d+) IN (\d+)/.exec(stdout);
  if (!match) throw new Error(`no session count in wrk output:\n${stdout}`);
  return { sessions: Number(match[1]), failed: Number(match[2]), seconds: Number(match[3]) / 1e6 };
}

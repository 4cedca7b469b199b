/**
 * Lua scripts, so each multi-step operation is one atomic step on the server
 * whatever the number of gateway nodes.
 */

/** INCRBY, then an expiry for a key that has none (a new window). KEYS[1]; ARGV: by, ttlMs. */
export const INCR_WITH_TTL = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl > 0 and redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return v
`;

/**
 * GCRA on the server's clock (so nodes with skewed clocks agree), the same
 * arithmetic as core's \`gcra()\`. KEYS[1]; ARGV: limit, windowMs, cost, force.
 * Returns {allowed, remaining, retryAfterMs, resetMs} as integers.
 */
export const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local force = ARGV[4] == '1'
local interval = window / limit
local stored = tonumber(redis.call('GET', KEYS[1]))
local base = math.max(stored or now, now)
local nxt = math.max(base + cost * interval, now)
local allow_at = nxt - window
if (not force) and allow_at > now then
  return {0, math.max(0, math.floor((now + window - base) / interval)), math.ceil(allow_at - now), math.ceil(base - now)}
end
local ttl = math.ceil(nxt - now)
if ttl > 0 then
  redis.call('SET', KEYS[1], tostring(nxt), 'PX', ttl)
else
  redis.call('DEL', KEYS[1])
end
return {1, math.max(0, math.floor((now + window - nxt) / interval)), 0, ttl}
`;

import fastJson from 'fast-json-stringify';
import { pino, type Level } from 'pino';
import type { AccessLine } from './access-line.js';
import { isoTime } from './iso-time.js';

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const numOrNull = { type: ['number', 'null'] } as const;

/**
 * The access line's JSON schema, in the order pino writes a line: `level`,
 * `time`, `name`, the line's own fields, `msg`. Absent fields are left out,
 * as pino leaves out `undefined`.
 */
const SCHEMA = {
  type: 'object',
  properties: {
    level: num,
    time: str,
    name: str,
    request_id: str,
    kind: str,
    stream: { type: 'boolean' },
    principal: { type: 'object', properties: { id: str, user: str, team: str, tier: str } },
    model: str,
    provider: str,
    upstream_model: str,
    attempts: num,
    status: num,
    cause: str,
    latency_ms: num,
    upstream_ms: num,
    cost_usd: numOrNull,
    attempt_log: {
      type: 'array',
      items: { type: 'object', properties: { provider: str, model: str, outcome: str, status: num, latency_ms: num } },
    },
    error_type: str,
    error_code: { type: ['string', 'null'] },
    error_message: str,
    error_plugin: str,
    cancelled: { type: 'boolean' },
    ttft_ms: num,
    overhead_ms: num,
    tokens: { type: 'object', properties: { input: numOrNull, output: numOrNull, cached: numOrNull, estimated: { type: 'boolean' } } },
    cache: str,
    saved_usd: numOrNull,
    msg: str,
  },
} as const;

/** A line as written: the access fields plus pino's own. */
type WireLine = AccessLine & { level: number; time: string; name: string; msg: string };

/**
 * Writes access lines as pino would write `log[level](line, 'request')` with
 * this plugin's logger (same fields, same order, same timestamp), through a
 * serializer compiled once from the line's schema. pino walks every object it
 * is given key by key; a line has a fixed shape, and the compiled writer
 * costs about a third of that, on the thread that serves requests.
 *
 * Lines with request bodies (`logBodies`) have no fixed shape: they go
 * through pino and its path redaction.
 *
 * @example
 * const toJson = lineSerializer('aisbf-access');
 * sink.write(toJson(line, 'info', Date.now())); // '{"level":30,"time":"2026-…","name":"aisbf-access",…,"msg":"request"}\n'
 */
export function lineSerializer(name: string): (line: AccessLine, level: Level, timeMs: number) => string {
  const stringify = fastJson(SCHEMA as unknown as Parameters<typeof fastJson>[0]) as (line: WireLine) => string;
  const iso = isoTime();
  return (line, level, timeMs) => {
    const wire = line as WireLine;
    wire.level = pino.levels.values[level];
    wire.time = iso(timeMs);
    wire.name = name;
    wire.msg = 'request';
    try {
      return stringify(wire) + '\n';
    } catch (err) {
      // The caller hands this line to pino instead, which adds these fields itself.
      delete (wire as Partial<WireLine>).level;
      delete (wire as Partial<WireLine>).time;
      delete (wire as Partial<WireLine>).name;
      delete (wire as Partial<WireLine>).msg;
      throw err;
    }
  };
}

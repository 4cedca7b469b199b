import { catalogFor, requestOutcome, type Catalog } from '@aisbf/plugin-catalog';
import { definePlugin, type Plugin, type RequestContext, type RequestSummary, type ResolvedConfig } from 'aisbf';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { accessLine } from './access-line.js';
import { LineBatcher } from './line-batcher.js';
import { REDACTED_PATHS, SecretScrubber } from './secret-scrubber.js';

export type { AccessLine } from './access-line.js';
export { REDACTED_PATHS, SecretScrubber } from './secret-scrubber.js';

/**
 * Options of `observe-log`.
 *
 * @example plugins: [['observe-log', { level: 'info', logBodies: false }]]
 */
export interface ObserveLogOptions {
  /**
   * Lowest level written. Successful requests log at `info`, client errors
   * (4xx, cancelled streams) at `warn`, gateway and provider failures at
   * `error`; so `warn` keeps only the failures. Default `info`.
   */
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Also log the request body (prompts), secrets scrubbed. Default false. */
  logBodies?: boolean;
  /**
   * Where lines go: a file path, a file descriptor (1 = stdout, the default),
   * or, from code, a writable stream.
   */
  destination?: string | number | DestinationStream;
  /**
   * Characters of lines gathered before a write to a file or descriptor: one
   * write carries many lines under load. Lines never wait longer than
   * `flushIntervalMs`. 0 writes each line at once. Default 4096.
   */
  bufferBytes?: number;
  /** Longest a buffered line waits, in ms. Default 250. */
  flushIntervalMs?: number;
}

/**
 * pino's ISO timestamp, made once per millisecond: under load many lines
 * share a millisecond, and formatting the date is a measurable part of a line.
 */
function isoTimestamp(): () => string {
  let lastMs = -1;
  let stamp = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      stamp = `,"time":"${new Date(now).toISOString()}"`;
    }
    return stamp;
  };
}

/**
 * One JSON access-log line per request (pino), with the principal, model,
 * provider, attempts, status, error, latency, TTFT, tokens, cost and cache
 * result. Secrets are redacted by path and scrubbed from free text.
 *
 * @example plugins: [['observe-log', { level: 'info' }]]
 */
export default function observeLog(options: ObserveLogOptions = {}): Plugin {
  const logBodies = options.logBodies === true;
  let log: Logger | undefined;
  let flush: (() => void) | undefined;
  let scrub: SecretScrubber;
  let catalog: Catalog;
  let config: ResolvedConfig;

  function write(ctx: RequestContext, summary: RequestSummary): void {
    if (!log) return;
    const level: Level = summary.status >= 500 ? 'error' : summary.status >= 400 ? 'warn' : 'info';
    if (!log.isLevelEnabled(level)) return;
    const facts = requestOutcome(ctx, summary, catalog, config);
    log[level](accessLine(ctx, summary, facts, scrub, logBodies), 'request');
  }

  return definePlugin({
    name: 'observe-log',
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] },
        logBodies: { type: 'boolean' },
        destination: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 1 }] },
        bufferBytes: { type: 'integer', minimum: 0, maximum: 1048576 },
        flushIntervalMs: { type: 'integer', minimum: 1 },
      },
    },
    setup(api) {
      config = api.config;
      catalog = catalogFor(api.config);
      scrub = new SecretScrubber(api.config, [process.env.AISBF_ADMIN_KEY]);
      const d = options.destination ?? 1;
      let dest: DestinationStream;
      if (typeof d === 'string' || typeof d === 'number') {
        // Lines are batched and each batch goes out in one synchronous write, as Node writes
        // its own stdout to pipes: under load one write carries several lines, without the
        // thread-pool round trip of an asynchronous write (measured: ~1.5 µs a line).
        const boom = pino.destination({ dest: d, sync: true, mkdir: typeof d === 'string' });
        const batcher = new LineBatcher(boom, options.bufferBytes ?? 4096, options.flushIntervalMs ?? 250);
        flush = () => {
          batcher.close();
          boom.flushSync();
        };
        dest = batcher;
      } else dest = d;
      log = pino({
        level: options.level ?? 'info',
        base: { name: 'aisbf-access' },
        timestamp: isoTimestamp(),
        // Lines are built from a whitelist of fields, so path redaction only guards the logged
        // bodies; it costs several microseconds a line, which the default mode does not pay.
        ...(logBodies ? { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } } : {}),
      }, dest);
    },
    close() {
      try {
        flush?.();
      } catch {
        // Nothing was buffered (or the file is gone): there is nothing left to save.
      }
    },
    observe: { response: write, error: write },
  });
}

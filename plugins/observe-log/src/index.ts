import { catalogFor, requestOutcome, type Catalog } from '@aisbf/plugin-catalog';
import { ByteWriter, definePlugin, type Plugin, type RequestContext, type RequestSummary, type ResolvedConfig } from 'aisbf';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { accessLine } from './access-line.js';
import { lineWriter } from './line-writer.js';
import type { LineBatcher } from './line-batcher.js';
import { createAccessLogger, type AccessLoggerOptions } from './access-logger.js';
import { SecretScrubber } from './secret-scrubber.js';

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
   * `flushIntervalMs`. 0 writes each line at once. Default 16384.
   */
  bufferBytes?: number;
  /** Longest a buffered line waits, in ms. Default 250. */
  flushIntervalMs?: number;
}

/** pino's number for a level name (`silent`: above every level), to skip a disabled line before building it. */
const levelValue = (name: string): number => pino.levels.values[name] ?? Infinity;
// Looked up once: a lookup by a variable name in pino's table costs every request.
const INFO = levelValue('info');
const WARN = levelValue('warn');
const ERROR = levelValue('error');

/**
 * One JSON access-log line per request (pino), with the principal, model,
 * provider, attempts, status, error, latency, TTFT, tokens, cost and cache
 * result. Secrets are redacted by path and scrubbed from free text.
 *
 * @example plugins: [['observe-log', { level: 'info' }]]
 */
export default function observeLog(options: ObserveLogOptions = {}): Plugin {
  const logBodies = options.logBodies === true;
  const minLevel = levelValue(options.level ?? 'info');
  let log: Logger | undefined;
  let dest: DestinationStream | undefined;
  let writeLine: ReturnType<typeof lineWriter> | undefined;
  let batcher: LineBatcher | undefined;
  // Lines for a destination stream given from code (no batcher) are built here, then handed over as text.
  let scratch: ByteWriter | undefined;
  let flush: (() => void) | undefined;
  let scrub: SecretScrubber;
  let catalog: Catalog;
  let config: ResolvedConfig;

  function write(ctx: RequestContext, summary: RequestSummary): void {
    const failed = summary.status >= 500;
    const refused = !failed && summary.status >= 400;
    if ((failed ? ERROR : refused ? WARN : INFO) < minLevel) return;
    const level: Level = failed ? 'error' : refused ? 'warn' : 'info';
    const facts = requestOutcome(ctx, summary, catalog, config);
    const line = accessLine(ctx, summary, facts, scrub, logBodies);
    if (!writeLine) {
      log?.[level](line, 'request');
      return;
    }
    const w = batcher?.writer ?? (scratch ??= new ByteWriter(1024));
    const start = w.length;
    try {
      writeLine(w, line, level, Date.now());
    } catch {
      // Not expected (a line is plain data), but a half-written line must not reach the log,
      // and the request must still be logged: pino writes whatever the line holds.
      w.truncate(start);
      log?.[level](line, 'request');
      return;
    }
    if (batcher) batcher.done();
    else {
      // The stream gets text, a copy: the scratch buffer is written over by the next line.
      dest?.write(w.bytes().toString('utf8'));
      w.truncate(0);
    }
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
    async setup(api) {
      config = api.config;
      catalog = catalogFor(api.config);
      scrub = new SecretScrubber(api.config, [process.env.AISBF_ADMIN_KEY]);
      const settings: AccessLoggerOptions = {
        level: options.level ?? 'info',
        logBodies,
        destination: options.destination ?? 1,
        bufferBytes: options.bufferBytes ?? 16384,
        flushIntervalMs: options.flushIntervalMs ?? 250,
      };
      ({ log, dest, batcher, flush } = createAccessLogger(settings));
      // Lines with bodies have no fixed shape: they go through pino and its path redaction.
      if (!logBodies) writeLine = lineWriter('aisbf-access');
    },
    async close() {
      try {
        flush?.();
      } catch {
        // Nothing was buffered (or the file is gone): there is nothing left to save.
      }
    },
    observe: { response: write, error: write },
  });
}

import { catalogFor, requestOutcome, type Catalog } from '@aisbf/plugin-catalog';
import { BatchWorker, definePlugin, type Plugin, type RequestContext, type RequestSummary, type ResolvedConfig } from 'aisbf';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { accessLine, packLine } from './access-line.js';
import { createAccessLogger, type AccessLoggerOptions } from './access-logger.js';
import type { LogItem } from './log-worker.js';
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
  /**
   * Serialise and write lines in a worker thread (default true for a file or
   * descriptor; a stream given from code is always written on the main
   * thread). The thread that serves requests then only hands each line's
   * fields over, in batches.
   */
  worker?: boolean;
}

/** pino's number for a level name (`silent`: above every level), to skip a disabled line before building it. */
const levelValue = (name: string): number => pino.levels.values[name] ?? Infinity;

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
  let flush: (() => void) | undefined;
  let worker: BatchWorker<LogItem> | undefined;
  let scrub: SecretScrubber;
  let catalog: Catalog;
  let config: ResolvedConfig;

  function write(ctx: RequestContext, summary: RequestSummary): void {
    const level: Level = summary.status >= 500 ? 'error' : summary.status >= 400 ? 'warn' : 'info';
    if (levelValue(level) < minLevel) return;
    const facts = requestOutcome(ctx, summary, catalog, config);
    const line = accessLine(ctx, summary, facts, scrub, logBodies);
    if (worker) {
      const item = packLine(line);
      item.push(Date.now(), level);
      worker.push(item);
    }
    else log?.[level](line, 'request');
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
        worker: { type: 'boolean' },
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
      if (options.worker !== false && (typeof settings.destination === 'string' || typeof settings.destination === 'number')) {
        const logger = api.logger;
        worker = await BatchWorker.start<LogItem>(new URL('./log-worker.js', import.meta.url), {
          workerData: settings,
          onExit: (err) => logger.error({ err: err.message }, 'observe-log worker stopped: access lines are no longer written. Restart the gateway.'),
        });
      } else {
        ({ log, flush } = createAccessLogger(settings));
      }
    },
    async close() {
      try {
        if (worker) await worker.close();
        else flush?.();
      } catch {
        // Nothing was buffered (or the file is gone): there is nothing left to save.
      }
    },
    observe: { response: write, error: write },
  });
}

import { pino, type DestinationStream, type Logger } from 'pino';
import { LineBatcher } from './line-batcher.js';
import { REDACTED_PATHS } from './secret-scrubber.js';

/** How an access logger is made; the same on the main thread and in the log worker. */
export interface AccessLoggerOptions {
  level: string;
  logBodies: boolean;
  /** A file path, a file descriptor, or (main thread only) a writable stream. */
  destination: string | number | DestinationStream;
  bufferBytes: number;
  flushIntervalMs: number;
  /** The time each line carries, in epoch ms. Default: now. */
  clock?: () => number;
}

/**
 * pino's ISO timestamp, made once per millisecond: under load many lines
 * share a millisecond, and formatting the date is a measurable part of a line.
 */
function isoTimestamp(clock: () => number): () => string {
  let lastMs = -1;
  let stamp = '';
  return () => {
    const now = clock();
    if (now !== lastMs) {
      lastMs = now;
      stamp = `,"time":"${new Date(now).toISOString()}"`;
    }
    return stamp;
  };
}

/**
 * The pino logger that writes access lines, and how to flush what it holds.
 *
 * @example
 * const { log, flush } = createAccessLogger({ level: 'info', logBodies: false, destination: 1, bufferBytes: 4096, flushIntervalMs: 250 });
 * log.info(line, 'request');
 * flush(); // at shutdown
 */
export function createAccessLogger(o: AccessLoggerOptions): { log: Logger; flush(): void } {
  let dest: DestinationStream;
  let flush = () => undefined as void;
  const d = o.destination;
  if (typeof d === 'string' || typeof d === 'number') {
    // Lines are batched and each batch goes out in one synchronous write, as Node writes
    // its own stdout to pipes: under load one write carries several lines, without the
    // thread-pool round trip of an asynchronous write (measured: ~1.5 µs a line).
    const boom = pino.destination({ dest: d, sync: true, mkdir: typeof d === 'string' });
    const batcher = new LineBatcher(boom, o.bufferBytes, o.flushIntervalMs);
    flush = () => {
      batcher.close();
      boom.flushSync();
    };
    dest = batcher;
  } else dest = d;
  const log = pino({
    level: o.level,
    base: { name: 'aisbf-access' },
    timestamp: isoTimestamp(o.clock ?? Date.now),
    // Lines are built from a whitelist of fields, so path redaction only guards the logged
    // bodies; it costs several microseconds a line, which the default mode does not pay.
    ...(o.logBodies ? { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } } : {}),
  }, dest);
  return { log, flush };
}

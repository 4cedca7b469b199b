// The log worker: pino serialises and writes access lines here, off the thread that serves requests.
import { serveBatches } from 'aisbf/worker';
import type { Level } from 'pino';
import { unpackLine, type PackedLine } from './access-line.js';
import { createAccessLogger, type AccessLoggerOptions } from './access-logger.js';

/** One line for the worker: its packed fields, then its level and the time it happened (epoch ms). */
export type LogItem = PackedLine;

serveBatches<LogItem, Omit<AccessLoggerOptions, 'clock'>>((data) => {
  let time = 0;
  // Lines carry the time their request ended, not the time this thread got to them.
  const { log, flush } = createAccessLogger({ ...data, clock: () => time });
  return {
    batch(items) {
      for (const item of items) {
        const level = item.pop() as Level;
        time = item.pop() as number;
        log[level](unpackLine(item), 'request');
      }
    },
    calls: { close: flush, flush },
  };
});

import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol.js';

/** What a worker's setup returns: how to take a batch, and the calls the main thread may make. */
export interface BatchHandlers<T> {
  batch(items: T[]): void;
  /** Named calls; `close` is called by `BatchWorker.close()` before the thread ends. */
  calls?: Record<string, (arg: unknown) => unknown>;
}

/**
 * The worker half of `BatchWorker`: runs `setup` with the worker data, tells
 * the main thread it is ready (or why it failed), then feeds it every batch
 * and answers calls. `emit` sends a value to the main thread's `onEvent`.
 * `D` is the shape of the `workerData` the main thread passed (it is not checked).
 *
 * @example
 * // log-worker.ts
 * serveBatches<LogRecord, { dest: number }>(async (data, emit) => {
 *   const out = openDestination(data);
 *   return { batch: (items) => items.forEach((r) => out.write(r)), calls: { close: () => out.end() } };
 * });
 */
export function serveBatches<T, D = unknown>(setup: (data: D, emit: (value: unknown) => void) => BatchHandlers<T> | Promise<BatchHandlers<T>>): void {
  const port = parentPort;
  if (!port) throw new Error('serveBatches runs in a worker thread started by BatchWorker.start().');
  const send = (m: FromWorker) => port.postMessage(m);
  const emit = (value: unknown) => send({ t: 'event', value });
  Promise.resolve()
    .then(() => setup(workerData as D, emit))
    .then(
      (handlers) => {
        port.on('message', (m: ToWorker) => {
          if (m.t === 'batch') {
            handlers.batch(m.items as T[]);
            return;
          }
          const fn = handlers.calls?.[m.name];
          Promise.resolve()
            .then(() => (fn ? fn(m.arg) : m.name === 'close' ? undefined : Promise.reject(new Error(`no call '${m.name}' in this worker`))))
            .then(
              (value) => send({ t: 'reply', id: m.id, ok: true, value }),
              (err: unknown) => send({ t: 'reply', id: m.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
            );
        });
        send({ t: 'ready' });
      },
      (err: unknown) => send({ t: 'failed', message: err instanceof Error ? err.message : String(err) }),
    );
}

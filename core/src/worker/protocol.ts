// The messages between a BatchWorker (main thread) and serveBatches (its worker).

/** Main thread → worker. */
export type ToWorker =
  | { t: 'batch'; items: unknown[] }
  | { t: 'call'; id: number; name: string; arg?: unknown };

/** Worker → main thread. */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'failed'; message: string }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; message: string }
  | { t: 'event'; value: unknown };

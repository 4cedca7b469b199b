import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol.js';

/** The ES module of tsx's register API (its CommonJS twin cannot register ESM hooks). Source runs only. */
function tsxApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const entry = (require(manifest) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'].import.default;
  return pathToFileURL(join(dirname(manifest), entry)).href;
}


/** `x.ts` for `x.js` when only the TypeScript source is there (a plugin run from source); else the file itself. */
function sourceTwin(file: URL): URL {
  if (!file.pathname.endsWith('.js') || existsSync(fileURLToPath(file))) return file;
  const ts = new URL(file.href.replace(/\.js$/, '.ts'));
  return existsSync(fileURLToPath(ts)) ? ts : file;
}

/** Options of `BatchWorker.start`. */
export interface BatchWorkerOptions {
  /** Data the worker's setup receives (structured-cloned: plain values only). */
  workerData?: unknown;
  /** Items posted together at most. Default 256. */
  maxBatch?: number;
  /** Longest an item waits before its batch is posted, in ms. Default 20. */
  maxDelayMs?: number;
  /** What the worker sends with `emit` (stats, problems to log). */
  onEvent?(value: unknown): void;
  /**
   * The worker's young generation, in MB. Default 4: a batch worker's objects
   * mostly live for one batch, and V8's default (16 MB semi-spaces) adds tens
   * of MB of RSS per worker. A worker that holds items longer (a write queue)
   * does better with more: what dies young is never copied to the old space.
   */
  youngGenerationMb?: number;
  /**
   * The worker died (an uncaught error, or it exited): items pushed from now on
   * are refused. `lost` counts the items that were waiting to be posted.
   */
  onExit?(error: Error, lost: number): void;
}

/**
 * A worker thread fed in batches: the main-thread half of `serveBatches`.
 *
 * Observers that serialise, write files or talk to a database cost the event
 * loop that serves requests. Handing their items to a worker moves that work
 * to another core; what stays is a structured clone per item. Items are
 * posted in batches of `maxBatch`, or after `maxDelayMs`: every post wakes the
 * other thread, and on virtual machines a wake-up costs more than cloning a
 * hundred small records.
 *
 * @example
 * const w = await BatchWorker.start<LogRecord>(new URL('./log-worker.js', import.meta.url), { workerData: { dest: 1 } });
 * w.push(record);           // queued, posted with the next batch
 * await w.call('flush');    // posts what waits, then runs the worker's `flush`
 * await w.close();          // runs the worker's `close`, then ends the thread
 */
export class BatchWorker<T> {
  readonly #worker: Worker;
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  #items: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #nextId = 1;
  readonly #calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #dead: Error | undefined;

  private constructor(worker: Worker, options: BatchWorkerOptions) {
    this.#worker = worker;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#maxDelayMs = options.maxDelayMs ?? 20;
  }

  /**
   * Starts the worker at `file` and waits until its setup is done (or rejects
   * with the setup's error). Name the built `.js` file; when the plugin runs
   * from its TypeScript sources (tests) and only the `.ts` sibling exists, that
   * one is started.
   */
  static start<T>(built: URL, options: BatchWorkerOptions = {}): Promise<BatchWorker<T>> {
    const file = sourceTwin(built);
    const resourceLimits = { maxYoungGenerationSizeMb: options.youngGenerationMb ?? 4 };
    const worker = file.pathname.endsWith('.ts')
      ? // From source (the tests): Node 20 does not run `--import` hooks in workers, so the
        // worker registers tsx itself before it loads the TypeScript file.
        new Worker(
          `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); })`,
          { eval: true, workerData: options.workerData, resourceLimits },
        )
      : new Worker(file, { workerData: options.workerData, resourceLimits });
    const self = new BatchWorker<T>(worker, options);
    return new Promise((resolve, reject) => {
      let ready = false;
      const die = (error: Error) => {
        if (self.#dead) return;
        self.#dead = error;
        clearTimeout(self.#timer);
        const lost = self.#items.length;
        self.#items = [];
        for (const c of self.#calls.values()) c.reject(error);
        self.#calls.clear();
        if (ready) options.onExit?.(error, lost);
        else reject(error);
      };
      worker.on('message', (m: FromWorker) => {
        switch (m.t) {
          case 'ready':
            ready = true;
            // The thread must not keep the process alive: close() ends it, and a process
            // that exits without close() loses at most one batch, as with any buffer.
            worker.unref();
            resolve(self);
            break;
          case 'failed':
            die(new Error(m.message));
            void worker.terminate();
            break;
          case 'reply': {
            const c = self.#calls.get(m.id);
            self.#calls.delete(m.id);
            if (self.#calls.size === 0) worker.unref();
            if (m.ok) c?.resolve(m.value);
            else c?.reject(new Error(m.message));
            break;
          }
          case 'event':
            options.onEvent?.(m.value);
            break;
        }
      });
      worker.on('error', (err) => die(err));
      worker.on('exit', (code) => die(new Error(`the worker thread exited (code ${code})`)));
    });
  }

  /** False once the worker has died: the item was not taken. */
  get alive(): boolean {
    return this.#dead === undefined;
  }

  /** Queues an item for the worker. Returns false (the item is not taken) when the worker is dead. */
  push(item: T): boolean {
    if (this.#dead) return false;
    const n = this.#items.push(item);
    if (n >= this.#maxBatch) this.post();
    else if (n === 1) this.#timer = setTimeout(() => this.post(), this.#maxDelayMs).unref();
    return true;
  }

  /** Posts the waiting items now. */
  post(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#items.length === 0 || this.#dead) return;
    const items = this.#items;
    this.#items = [];
    this.#send({ t: 'batch', items });
  }

  /** Posts the waiting items, then runs the worker's call `name`; resolves with what it returns. */
  call<R = unknown>(name: string, arg?: unknown): Promise<R> {
    if (this.#dead) return Promise.reject(this.#dead);
    this.post();
    const id = this.#nextId++;
    // A pending call keeps the process alive (a flush at shutdown must finish); an idle worker does not.
    this.#worker.ref();
    return new Promise<R>((resolve, reject) => {
      this.#calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#send({ t: 'call', id, name, arg });
    });
  }

  /** Runs the worker's `close` call (when it has one), then ends the thread; resolves with what `close` returned. */
  async close<R = unknown>(): Promise<R | undefined> {
    if (this.#dead) return undefined;
    try {
      return await this.call<R>('close');
    } finally {
      this.#dead ??= new Error('the worker thread was closed');
      await this.#worker.terminate();
    }
  }

  #send(message: ToWorker): void {
    this.#worker.postMessage(message);
  }
}

/** Counters of a write queue since start. */
export interface QueueStats {
  /** Rows waiting for the next batch. */
  queued: number;
  /** Rows the sink accepted. */
  written: number;
  /** Rows refused because the queue was full, or lost after a failed write. */
  dropped: number;
  /** Batches the sink failed to write. */
  failedBatches: number;
}

/** What went wrong in a write queue, for its logs. */
export interface QueueProblem {
  kind: 'dropped' | 'write-failed';
  count: number;
  error?: unknown;
  /** With `write-failed`: the batch will be tried once more (else its rows are dropped). */
  retry?: boolean;
}

export interface WriteQueueOptions {
  /** Most rows held in memory; beyond it new rows are dropped (and counted), never awaited. */
  capacity: number;
  /** Rows per write. */
  batchSize: number;
  /** Longest a row waits for its batch, in ms. */
  flushIntervalMs: number;
  /** Called once per failed batch (`retry`: whether it will be tried again) and per burst of drops: for logs. */
  onProblem?(problem: QueueProblem): void;
  /** Called after every batch write, whether it worked or not, with the counters then. */
  onSettled?(stats: QueueStats): void;
}

/**
 * A bounded queue that writes rows in batches off the response path.
 * `push` never blocks and never throws: when the sink falls behind and the
 * queue is full, rows are dropped and counted rather than slowing traffic.
 * One batch is written at a time; a failed batch is retried once with the
 * next flush and then dropped (counted), so a dead database cannot pin memory.
 *
 * @example
 * const q = new WriteQueue<Row>((rows) => store.insert(rows), { capacity: 10_000, batchSize: 500, flushIntervalMs: 1000 });
 * q.push(row);
 * await q.close(); // writes what is left
 */
export class WriteQueue<T> {
  readonly #sink: (rows: T[]) => Promise<void>;
  readonly #o: WriteQueueOptions;
  #rows: T[] = [];
  #retry: T[] | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #reportedDrops = 0;
  readonly #stats: QueueStats = { queued: 0, written: 0, dropped: 0, failedBatches: 0 };

  constructor(sink: (rows: T[]) => Promise<void>, options: WriteQueueOptions) {
    this.#sink = sink;
    this.#o = options;
  }

  /** Queues a row; false when it was dropped because the queue is full. */
  push(row: T): boolean {
    if (this.#rows.length + (this.#retry?.length ?? 0) >= this.#o.capacity) {
      this.#stats.dropped++;
      return false;
    }
    this.#rows.push(row);
    if (this.#rows.length >= this.#o.batchSize) this.#kick();
    else this.#timer ??= setTimeout(() => this.#kick(), this.#o.flushIntervalMs).unref();
    return true;
  }

  stats(): QueueStats {
    return { ...this.#stats, queued: this.#rows.length + (this.#retry?.length ?? 0) };
  }

  /** Writes everything queued now; resolves when the queue is empty or a write failed. */
  async flush(): Promise<void> {
    while (this.#rows.length > 0 || this.#retry || this.#writing) {
      const before = this.#stats.failedBatches;
      await (this.#writing ?? this.#write());
      if (this.#stats.failedBatches > before) return;
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    // What a failing sink left behind is lost now: count it.
    const lost = this.#rows.length + (this.#retry?.length ?? 0);
    if (lost > 0) {
      this.#stats.dropped += lost;
      this.#rows = [];
      this.#retry = undefined;
    }
    this.#reportDrops();
  }

  #kick(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#writing) void this.#write();
  }

  #write(): Promise<void> {
    const batch = this.#retry ?? this.#rows.splice(0, this.#o.batchSize);
    const retried = this.#retry !== undefined;
    this.#retry = undefined;
    this.#reportDrops();
    if (batch.length === 0) return Promise.resolve();
    this.#writing = this.#sink(batch).then(
      () => {
        this.#stats.written += batch.length;
      },
      (error: unknown) => {
        this.#stats.failedBatches++;
        if (retried) this.#stats.dropped += batch.length;
        else this.#retry = batch;
        this.#o.onProblem?.({ kind: 'write-failed', count: batch.length, error, retry: !retried });
      },
    ).finally(() => {
      this.#writing = undefined;
      this.#o.onSettled?.(this.stats());
      // More waiting: schedule the next batch rather than recurse.
      if (this.#rows.length >= this.#o.batchSize) this.#kick();
      else if ((this.#rows.length > 0 || this.#retry) && !this.#timer) this.#timer = setTimeout(() => this.#kick(), this.#o.flushIntervalMs).unref();
    });
    return this.#writing;
  }

  #reportDrops(): void {
    const fresh = this.#stats.dropped - this.#reportedDrops;
    if (fresh > 0) {
      this.#reportedDrops = this.#stats.dropped;
      this.#o.onProblem?.({ kind: 'dropped', count: fresh });
    }
  }
}

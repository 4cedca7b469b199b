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
}

/**
 * How rows gather into a batch: by default an array of the rows; the ledger's
 * PostgreSQL path writes each row's COPY line into one buffer instead (a
 * `ByteWriter`), so a waiting row is not an object on the heap.
 *
 * @example
 * const arrays: BatchBuilder<Row, Row[]> = { create: () => [], add: (batch, row) => void batch.push(row) };
 */
export interface BatchBuilder<T, B> {
  /** A new, empty batch. */
  create(): B;
  /** Adds one row to a batch. */
  add(batch: B, row: T): void;
}

const arrayBatches: BatchBuilder<unknown, unknown[]> = { create: () => [], add: (batch, row) => void batch.push(row) };

/** A batch and the rows in it. */
interface Pending<B> {
  data: B;
  rows: number;
}

/**
 * A bounded queue that writes rows in batches off the response path.
 * `push` never blocks and never throws: when the sink falls behind and the
 * queue is full, rows are dropped and counted rather than slowing traffic.
 * One batch is written at a time; a failed batch is retried once with the
 * next flush and then dropped (counted), so a dead database cannot pin memory.
 * Rows go into a batch as they arrive; a batch is closed at `batchSize` rows.
 *
 * @example
 * const q = new WriteQueue<Row>((rows) => store.insert(rows), { capacity: 10_000, batchSize: 500, flushIntervalMs: 1000 });
 * q.push(row);
 * await q.close(); // writes what is left
 */
export class WriteQueue<T, B = T[]> {
  readonly #sink: (batch: B) => Promise<void>;
  readonly #o: WriteQueueOptions;
  readonly #builder: BatchBuilder<T, B>;
  /** Batches waiting, oldest first; only the last one takes new rows. */
  #batches: Pending<B>[] = [];
  /** Rows in `#batches`. */
  #waiting = 0;
  #retry: Pending<B> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #reportedDrops = 0;
  readonly #stats: QueueStats = { queued: 0, written: 0, dropped: 0, failedBatches: 0 };

  constructor(sink: (batch: B) => Promise<void>, options: WriteQueueOptions, builder?: BatchBuilder<T, B>) {
    this.#sink = sink;
    this.#o = options;
    this.#builder = builder ?? (arrayBatches as BatchBuilder<T, B>);
  }

  /** Queues a row; false when it was dropped because the queue is full. */
  push(row: T): boolean {
    if (this.#waiting + (this.#retry?.rows ?? 0) >= this.#o.capacity) {
      this.#stats.dropped++;
      return false;
    }
    let open = this.#batches.at(-1);
    if (!open || open.rows >= this.#o.batchSize) this.#batches.push((open = { data: this.#builder.create(), rows: 0 }));
    this.#builder.add(open.data, row);
    open.rows++;
    this.#waiting++;
    if (open.rows >= this.#o.batchSize) this.#kick();
    else this.#timer ??= setTimeout(() => this.#kick(), this.#o.flushIntervalMs).unref();
    return true;
  }

  stats(): QueueStats {
    return { ...this.#stats, queued: this.#waiting + (this.#retry?.rows ?? 0) };
  }

  /** Writes everything queued now; resolves when the queue is empty or a write failed. */
  async flush(): Promise<void> {
    while (this.#waiting > 0 || this.#retry || this.#writing) {
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
    const lost = this.#waiting + (this.#retry?.rows ?? 0);
    if (lost > 0) {
      this.#stats.dropped += lost;
      this.#batches = [];
      this.#waiting = 0;
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
    const retried = this.#retry !== undefined;
    const batch = this.#retry ?? this.#batches.shift();
    this.#retry = undefined;
    if (batch && !retried) this.#waiting -= batch.rows;
    this.#reportDrops();
    if (!batch) return Promise.resolve();
    this.#writing = this.#sink(batch.data).then(
      () => {
        this.#stats.written += batch.rows;
      },
      (error: unknown) => {
        this.#stats.failedBatches++;
        if (retried) this.#stats.dropped += batch.rows;
        else this.#retry = batch;
        this.#o.onProblem?.({ kind: 'write-failed', count: batch.rows, error, retry: !retried });
      },
    ).finally(() => {
      this.#writing = undefined;
      // More waiting: schedule the next batch rather than recurse.
      if (this.#batches.length > 1 || (this.#batches[0]?.rows ?? 0) >= this.#o.batchSize) this.#kick();
      else if ((this.#waiting > 0 || this.#retry) && !this.#timer) this.#timer = setTimeout(() => this.#kick(), this.#o.flushIntervalMs).unref();
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

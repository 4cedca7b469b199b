/** Where a batch of lines goes: a writer that takes bytes (sonic-boom in `buffer` content mode). */
export interface ByteSink {
  write(bytes: Buffer): unknown;
}

/**
 * Gathers log lines as UTF-8 bytes and hands them to the sink about every
 * `batchBytes` bytes, or when `flushIntervalMs` has passed with lines
 * waiting. Each line is encoded into the batch's buffer as it arrives: a line
 * built by concatenation is a tree of string pieces, and encoding it at once
 * is one pass, where keeping it for a later join means flattening it there
 * and encoding the joined text again.
 *
 * @example
 * const batcher = new LineBatcher(pino.destination({ dest: 1, sync: true, contentMode: 'buffer' }), 16384, 250);
 * batcher.write('{"msg":"hello"}\n');
 * batcher.close(); // at shutdown
 */
export class LineBatcher {
  readonly #sink: ByteSink;
  readonly #batchBytes: number;
  #buf: Buffer | undefined;
  #used = 0;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(sink: ByteSink, batchBytes: number, flushIntervalMs: number) {
    this.#sink = sink;
    this.#batchBytes = batchBytes;
    if (batchBytes > 0) this.#timer = setInterval(() => this.flush(), flushIntervalMs).unref();
  }

  write(line: string): boolean {
    if (this.#batchBytes <= 0) {
      this.#sink.write(Buffer.from(line));
      return true;
    }
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.#buf && this.#used + line.length * 3 > this.#buf.length) this.flush();
    this.#buf ??= Buffer.allocUnsafe(Math.max(this.#batchBytes * 2, line.length * 3));
    this.#used += this.#buf.write(line, this.#used);
    if (this.#used >= this.#batchBytes) this.flush();
    return true;
  }

  /** Hands every waiting line to the sink now. */
  flush(): void {
    if (!this.#buf || this.#used === 0) return;
    // The sink may keep the bytes (a pipe that is full): the next lines go to a new buffer.
    const bytes = this.#buf.subarray(0, this.#used);
    this.#buf = undefined;
    this.#used = 0;
    this.#sink.write(bytes);
  }

  /** Flushes and stops the timer. */
  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}

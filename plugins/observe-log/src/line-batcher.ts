/** Where a batch of lines goes: a writer that takes text (sonic-boom). */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Gathers log lines and hands them to the sink as one string per
 * `batchChars` characters, or when `flushIntervalMs` has passed with lines
 * waiting. Joining an array once per batch is cheaper than letting the sink
 * grow one string line by line (sonic-boom measures its pending text on every
 * write) or converting every line to a Buffer.
 *
 * @example
 * const batcher = new LineBatcher(pino.destination({ dest: 1, sync: true }), 4096, 250);
 * const logger = pino({}, batcher);
 * // at shutdown
 * batcher.flush();
 */
export class LineBatcher {
  readonly #sink: TextSink;
  readonly #batchChars: number;
  #lines: string[] = [];
  #chars = 0;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(sink: TextSink, batchChars: number, flushIntervalMs: number) {
    this.#sink = sink;
    this.#batchChars = batchChars;
    if (batchChars > 0) this.#timer = setInterval(() => this.flush(), flushIntervalMs).unref();
  }

  write(line: string): boolean {
    if (this.#batchChars <= 0) {
      this.#sink.write(line);
      return true;
    }
    this.#lines.push(line);
    this.#chars += line.length;
    if (this.#chars >= this.#batchChars) this.flush();
    return true;
  }

  /** Hands every waiting line to the sink now. */
  flush(): void {
    if (this.#lines.length === 0) return;
    const text = this.#lines.length === 1 ? this.#lines[0] : this.#lines.join('');
    this.#lines = [];
    this.#chars = 0;
    this.#sink.write(text);
  }

  /** Flushes and stops the timer. */
  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}

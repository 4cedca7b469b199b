/** Bytes a stream may hold unread before the upstream socket is paused. */
const HIGH_WATER = 64 * 1024;

/**
 * An upstream response body, fed by core's undici handler: read it whole
 * (`text()`), or chunk by chunk (`for await`), or drop it (`destroy()`).
 *
 * It stands in for undici's `Readable` body, which costs a Node stream per
 * request (state objects, listeners, `nextTick`s): most answers are one
 * small JSON document that arrives with the headers, so the common case here
 * is a buffer that is already complete when the caller asks for it.
 * Chunks wait in an array until read; past 64 KiB unread the socket is
 * paused, and resumed when the reader catches up.
 *
 * @example
 * const answer = await client.send(call);
 * const json = JSON.parse(await answer.body.text());
 */
export class UpstreamBody implements AsyncIterable<Buffer> {
  #chunks: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #error: unknown = undefined;
  /** Wakes a reader waiting for the next chunk or the end. */
  #wake: (() => void) | undefined;
  #resume: (() => void) | undefined;
  #cancel: ((reason?: unknown) => void) | undefined;
  #destroyed = false;

  /** Set by the handler: `cancel` stops the upstream request, `resume` restarts a paused socket. */
  bind(cancel: (reason?: unknown) => void, resume: () => void): void {
    this.#cancel = cancel;
    this.#resume = resume;
  }

  /** True once the reader gave up on the body or it failed. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Handler side: a chunk arrived. False asks the socket to pause. */
  push(chunk: Buffer): boolean {
    if (this.#destroyed) return true;
    this.#chunks.push(chunk);
    this.#queued += chunk.length;
    this.#wakeReader();
    return this.#queued < HIGH_WATER;
  }

  /** Handler side: the body is complete. */
  end(): void {
    this.#ended = true;
    this.#cancel = undefined;
    this.#wakeReader();
  }

  /** Handler side: the body failed (socket error, timeout, abort). */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#cancel = undefined;
    this.#wakeReader();
  }

  /** The whole body as UTF-8 text; rejects if the body fails before its end. */
  async text(): Promise<string> {
    while (!this.#ended) await this.#next();
    if (this.#error !== undefined) throw this.#error;
    const chunks = this.#take();
    return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
  }

  /** Stops reading: the upstream request is aborted unless it already ended. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#chunks = [];
    this.#queued = 0;
    const cancel = this.#cancel;
    this.#cancel = undefined;
    if (!this.#ended) cancel?.();
    this.#wakeReader();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.#chunks.length > 0) {
        for (const chunk of this.#take()) yield chunk;
        continue;
      }
      if (this.#destroyed) return;
      if (this.#ended) {
        if (this.#error !== undefined) throw this.#error;
        return;
      }
      await this.#next();
    }
  }

  #take(): Buffer[] {
    const chunks = this.#chunks;
    this.#chunks = [];
    const paused = this.#queued >= HIGH_WATER;
    this.#queued = 0;
    if (paused && !this.#ended) this.#resume?.();
    return chunks;
  }

  #next(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

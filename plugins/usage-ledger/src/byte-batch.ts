/**
 * One batch of ledger rows as the bytes that go to the database: each row's
 * COPY line is encoded into the batch's buffer when its request ends. A
 * waiting row is then neither an object the garbage collector has to trace
 * and promote (rows wait up to a second, longer than young objects live) nor
 * a Buffer of its own, and the batch needs no joining before it is sent.
 *
 * @example
 * const batch = new ByteBatch(4096);
 * batch.append('req-1\t2026-11-24T10:00:00.000Z\tchat\t…\n');
 * await store.insertBytes(batch.bytes());
 */
export class ByteBatch {
  #buf: Buffer;
  #used = 0;

  /** @param sizeHint bytes to start with; the buffer doubles when a row does not fit. */
  constructor(sizeHint: number) {
    this.#buf = Buffer.allocUnsafe(Math.max(256, sizeHint));
  }

  /** Appends text as UTF-8. */
  append(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const need = this.#used + text.length * 3;
    if (need > this.#buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2));
      this.#buf.copy(bigger, 0, 0, this.#used);
      this.#buf = bigger;
    }
    this.#used += this.#buf.write(text, this.#used);
  }

  /** The bytes appended so far (a view, not a copy). */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#used);
  }
}

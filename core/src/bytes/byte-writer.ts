/**
 * Text and numbers appended as UTF-8 bytes to one growing buffer, for
 * plugins that write a record per request (log lines, database rows).
 *
 * Why not build a string and `Buffer.write` it: a string built by
 * concatenation is a tree of pieces that V8 flattens before it can encode it,
 * and each piece was an allocation. Here the short, plain values that make
 * up most records (ids, model names, times) are copied character by
 * character, numbers are written as digits, and the fixed parts of a record
 * are pre-encoded once. A value that needs escaping is left to the caller's
 * slow path: `plain()` says so.
 *
 * @example
 * const KEY = ByteWriter.encode('{"id":');
 * const w = new ByteWriter(4096);
 * w.raw(KEY);
 * if (!w.plainQuoted(id)) w.utf8(JSON.stringify(id));
 * w.byte(0x7d); // }
 * sink.write(w.take());
 */
export class ByteWriter {
  #buf: Buffer;
  #pos = 0;
  readonly #initial: number;

  /** @param capacity bytes to start with; the buffer doubles whenever a value does not fit. */
  constructor(capacity = 4096) {
    this.#initial = Math.max(64, capacity);
    this.#buf = Buffer.allocUnsafe(this.#initial);
  }

  /** Fixed text as bytes, for `raw()`. */
  static encode(text: string): Uint8Array {
    return new Uint8Array(Buffer.from(text, 'utf8'));
  }

  /** Bytes written since the last `take()`. */
  get length(): number {
    return this.#pos;
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#pos + n, this.#buf.length * 2));
    this.#buf.copy(bigger, 0, 0, this.#pos);
    this.#buf = bigger;
  }

  /** Appends bytes (a record's fixed parts, from `ByteWriter.encode`). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.reserve(n);
    const buf = this.#buf;
    let p = this.#pos;
    // A loop beats `set()` for the few bytes of a key or a separator: no call into C++.
    if (n <= 64) for (let i = 0; i < n; i++) buf[p++] = bytes[i];
    else {
      buf.set(bytes, p);
      p += n;
    }
    this.#pos = p;
  }

  /** Appends one byte. */
  byte(b: number): void {
    this.reserve(1);
    this.#buf[this.#pos++] = b;
  }

  /**
   * Appends `s` if every character is printable ASCII other than `"` and `\`
   * (0x20–0x7e): such text reads the same in JSON strings, CSV fields and
   * PostgreSQL's COPY text. Returns false, having written nothing, otherwise;
   * the caller then escapes `s` its own way and appends it with `utf8()`.
   */
  plain(s: string): boolean {
    const n = s.length;
    this.reserve(n);
    const buf = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
      buf[p++] = c;
    }
    this.#pos = p;
    return true;
  }

  /** `plain()` between double quotes: a JSON string that needs no escapes. */
  plainQuoted(s: string): boolean {
    const start = this.#pos;
    this.byte(0x22);
    if (!this.plain(s)) {
      this.#pos = start;
      return false;
    }
    this.byte(0x22);
    return true;
  }

  /** Appends any text as UTF-8 (lone surrogates become U+FFFD, as `Buffer.from` does). */
  utf8(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    this.reserve(s.length * 3);
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
  }

  /**
   * Appends an integer's decimal digits, as `String(n)` writes them. Other
   * numbers (fractions, NaN, ±Infinity, beyond 2^53) go through `String(n)`.
   */
  int(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.utf8(String(n));
      return;
    }
    if (n < 0) {
      this.byte(0x2d);
      n = -n;
    }
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    this.reserve(digits);
    const buf = this.#buf;
    let p = this.#pos + digits;
    this.#pos = p;
    do {
      buf[--p] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
  }

  /**
   * Appends a number as `String(n)` writes it, quickly for integers and for
   * values with one decimal (durations rounded to a tenth of a millisecond).
   */
  number(n: number): void {
    if (Number.isSafeInteger(n)) return this.int(n);
    const tenths = Math.round(n * 10);
    // k / 10 prints as the integer part, a point and one digit: that text reads back as the same double.
    if (tenths / 10 === n && Number.isSafeInteger(tenths)) {
      if (n < 0) this.byte(0x2d);
      const abs = Math.abs(tenths);
      this.int(Math.floor(abs / 10));
      this.byte(0x2e);
      this.byte(0x30 + (abs % 10));
      return;
    }
    this.utf8(String(n));
  }

  /** Appends `n` as `n.toFixed(decimals)` writes it (durations to the microsecond, say). */
  fixed(n: number, decimals: number): void {
    const scale = 10 ** decimals;
    const exact = Math.abs(n) * scale;
    const scaled = Math.round(exact);
    // Near a half, the multiplication's rounding may pick the other neighbour than toFixed's
    // exact decimal expansion does: those rare values, and the ones digits cannot hold, go through toFixed.
    if (!Number.isSafeInteger(scaled) || Math.abs(exact - Math.floor(exact) - 0.5) < 1e-6) {
      this.utf8(n.toFixed(decimals));
      return;
    }
    if (n < 0) this.byte(0x2d);
    this.int(Math.floor(scaled / scale));
    if (decimals === 0) return;
    this.byte(0x2e);
    let frac = scaled % scale;
    this.reserve(decimals);
    const buf = this.#buf;
    for (let i = this.#pos + decimals - 1; i >= this.#pos; i--) {
      buf[i] = 0x30 + (frac % 10);
      frac = Math.floor(frac / 10);
    }
    this.#pos += decimals;
  }

  /** Forgets what was written after `length` bytes (to undo a partly written record). */
  truncate(length: number): void {
    if (length < this.#pos) this.#pos = Math.max(0, length);
  }

  /** The bytes written so far: a view of the buffer, not a copy, valid until the next write. */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }

  /**
   * The bytes written so far, handed over: the writer starts again on a new
   * buffer of the size it started with, so the caller may keep the returned
   * bytes as long as it likes.
   */
  take(): Buffer {
    const bytes = this.#buf.subarray(0, this.#pos);
    this.#buf = Buffer.allocUnsafe(this.#initial);
    this.#pos = 0;
    return bytes;
  }

}

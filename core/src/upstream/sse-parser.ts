/** One server-sent event as read off the wire. */
export interface SseMessage {
  event?: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  id?: string;
}

/**
 * An incremental SSE parser (WHATWG rules): feed it text as it arrives, in any
 * split, and it returns the complete events. Lines may end in `\n`, `\r\n` or
 * `\r` (Gemini sends CRLF); `:` lines are comments; several `data:` lines join.
 *
 * @example
 * const p = new SseParser();
 * p.push('data: {"a"');  // → []
 * p.push(':1}\r\n\r\n');  // → [{ data: '{"a":1}' }]
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event: string | undefined;
  #id: string | undefined;

  push(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    const buf = this.#buffer + text;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A lone '\r' at the very end may be the first half of '\r\n': wait for more.
      if (c === 13 && i === buf.length - 1) break;
      this.#line(buf.slice(start, i), out);
      if (c === 13 && buf.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.#buffer = buf.slice(start);
    return out;
  }

  /** Ends the input: a last event without its blank line is still delivered. */
  end(): SseMessage[] {
    const out: SseMessage[] = [];
    if (this.#buffer.length > 0) this.#line(this.#buffer.replace(/\r$/, ''), out);
    this.#buffer = '';
    this.#line('', out);
    return out;
  }

  #line(line: string, out: SseMessage[]): void {
    if (line.length === 0) {
      if (this.#data.length > 0) out.push({ event: this.#event, data: this.#data.join('\n'), id: this.#id });
      this.#data = [];
      this.#event = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id') this.#id = value;
  }
}

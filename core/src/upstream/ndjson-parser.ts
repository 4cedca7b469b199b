/**
 * An incremental newline-delimited JSON splitter (Ollama streams): feed text in
 * any split, get back complete non-empty lines.
 *
 * @example
 * const p = new NdjsonParser();
 * p.push('{"a":1}\n{"b"'); // → ['{"a":1}']
 * p.push(':2}\n');         // → ['{"b":2}']
 */
export class NdjsonParser {
  #buffer = '';

  push(text: string): string[] {
    const buf = this.#buffer + text;
    const lines = buf.split('\n');
    this.#buffer = lines.pop() ?? '';
    return lines.map((l) => l.trim()).filter((l) => l.length > 0);
  }

  end(): string[] {
    const last = this.#buffer.trim();
    this.#buffer = '';
    return last ? [last] : [];
  }
}

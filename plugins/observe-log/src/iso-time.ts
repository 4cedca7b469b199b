/**
 * Epoch milliseconds as ISO 8601 text, formatted once per millisecond: under
 * load many lines share a millisecond, and formatting the date is a visible
 * part of a line.
 *
 * @example
 * const iso = isoTime();
 * iso(0) // '1970-01-01T00:00:00.000Z'
 */
export function isoTime(): (ms: number) => string {
  let lastMs = Number.NaN;
  let text = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      text = new Date(ms).toISOString();
    }
    return text;
  };
}

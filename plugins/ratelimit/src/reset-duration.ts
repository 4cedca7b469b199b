/**
 * A wait in the form OpenAI uses in `x-ratelimit-reset-*` headers:
 * `250ms`, `1s`, `6.5s`, `1m0s`, `2m30.5s`.
 *
 * @example resetDuration(90_500) // → '1m30.5s'
 */
export function resetDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total < 1000) return `${total}ms`;
  const minutes = Math.floor(total / 60_000);
  const seconds = (total - minutes * 60_000) / 1000;
  const s = `${Number(seconds.toFixed(3))}s`;
  return minutes > 0 ? `${minutes}m${s}` : s;
}

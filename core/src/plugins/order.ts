import { ConfigError } from '../errors.js';
import type { Plugin } from '../plugin.js';

/**
 * The order plugins run in, within every stage: the order they appear in
 * (preset plugins first, then user plugins), `enforce: 'pre'` ones before
 * and `enforce: 'post'` ones after the rest, and each plugin moved ahead of
 * the plugins it names in `before`. No numeric priorities.
 *
 * @example orderPlugins([a, b, { name: 'c', before: ['a'] }]) // → [c, a, b]
 */
export function orderPlugins(plugins: readonly Plugin[]): Plugin[] {
  const rank = (p: Plugin) => (p.enforce === 'pre' ? 0 : p.enforce === 'post' ? 2 : 1);
  const out = [...plugins].sort((a, b) => rank(a) - rank(b)); // Array#sort is stable
  // Each move puts a plugin directly before the earliest plugin it must precede;
  // more moves than plugins² means the constraints form a cycle.
  const limit = out.length * out.length + 1;
  for (let moves = 0; ; moves++) {
    let moved = false;
    for (let i = 0; i < out.length && !moved; i++) {
      const p = out[i];
      if (!p.before?.length) continue;
      const target = out.findIndex((q) => p.before!.includes(q.name));
      if (target !== -1 && target < i) {
        out.splice(i, 1);
        out.splice(target, 0, p);
        moved = true;
      }
    }
    if (!moved) return out;
    if (moves > limit) {
      const involved = out.filter((p) => p.before?.length).map((p) => `${p.name} before [${p.before!.join(', ')}]`);
      throw new ConfigError(`Plugin order constraints form a cycle: ${involved.join('; ')}. Remove one of these 'before' entries.`);
    }
  }
}

/**
 * Package names to try for a plugin or preset name, in order (Babel-style).
 *
 * @example pluginPackageNames('cache')        // ['@aisbf/plugin-cache', 'aisbf-plugin-cache']
 * @example pluginPackageNames('@acme/guard')  // ['@acme/aisbf-plugin-guard', '@acme/guard']
 * @example pluginPackageNames('aisbf-plugin-x') // ['aisbf-plugin-x']
 */
export function packageNames(name: string, kind: 'plugin' | 'preset'): string[] {
  const stem = `aisbf-${kind}-`;
  // Already a full package name: '@aisbf/plugin-x', 'aisbf-plugin-x', '@acme/aisbf-plugin-x'.
  if (name.startsWith(`@aisbf/${kind}-`) || name.startsWith(stem) || /^@[^/]+\/aisbf-/.test(name)) return [name];
  // '@acme/x' → '@acme/aisbf-plugin-x', then the name as written.
  const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
  if (scoped) return [`${scoped[1]}/${stem}${scoped[2]}`, name];
  // 'x' → '@aisbf/plugin-x' → 'aisbf-plugin-x'.
  return [`@aisbf/${kind}-${name}`, `${stem}${name}`];
}

/** True when config names a file rather than a package: './x.ts', '../x', '/abs/x.mjs'. */
export function isPath(name: string): boolean {
  return name.startsWith('./') || name.startsWith('../') || name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name);
}

/** Levenshtein distance, for "did you mean …?" suggestions. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The closest of `names` to `name`, if it is close enough to be a typo. */
export function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = distance(name, n);
    if (d < bestD) {
      best = n;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

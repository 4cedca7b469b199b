import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** An installed package that declares itself an aisbf plugin or preset. */
export interface InstalledPlugin {
  name: string;
  version: string;
  kind: 'plugin' | 'preset';
  description?: string;
  dir: string;
}

/**
 * Lists packages with the `aisbf-plugin` (or `aisbf-preset`) keyword in every
 * `node_modules` from `fromDir` up to the root, nearest first; a name seen
 * nearer wins. Used by `aisbf plugins` and for "did you mean" suggestions.
 */
export async function discoverInstalled(fromDir: string): Promise<InstalledPlugin[]> {
  const found = new Map<string, InstalledPlugin>();
  let dir = fromDir;
  for (;;) {
    const nm = join(dir, 'node_modules');
    for (const entry of await list(nm)) {
      if (entry.startsWith('.')) continue;
      const dirs = entry.startsWith('@') ? (await list(join(nm, entry))).map((e) => join(nm, entry, e)) : [join(nm, entry)];
      for (const d of dirs) {
        const pkg = await readJson(join(d, 'package.json'));
        if (!pkg || typeof pkg.name !== 'string' || found.has(pkg.name)) continue;
        const keywords = Array.isArray(pkg.keywords) ? (pkg.keywords as unknown[]) : [];
        const kind = keywords.includes('aisbf-plugin') ? 'plugin' : keywords.includes('aisbf-preset') ? 'preset' : undefined;
        if (kind) found.set(pkg.name, { name: pkg.name, version: String(pkg.version ?? ''), kind, description: pkg.description as string | undefined, dir: d });
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

import { createRequire } from 'node:module';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Jiti } from 'jiti';
import { ConfigError } from '../errors.js';
import { discoverInstalled } from './discover.js';
import { closest, isPath, packageNames } from './plugin-names.js';

/** Where core itself is installed: plugins installed beside the CLI are found from here. */
export const CORE_DIR = dirname(fileURLToPath(import.meta.url));
/** Core's own entry module (source or compiled, as this file is). */
const CORE_ENTRY = fileURLToPath(new URL(`../index.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));

/** Export conditions this process runs with (`--conditions=x`), so resolution matches Node's. */
const CONDITIONS = [
  ...process.execArgv.flatMap((a, i, all) => (a.startsWith('--conditions=') ? [a.slice(13)] : a === '--conditions' || a === '-C' ? [all[i + 1]] : [])),
  ...(process.env.NODE_OPTIONS ?? '').split(/\s+/).flatMap((a) => (a.startsWith('--conditions=') ? [a.slice(13)] : [])),
  'import', 'default',
];

const jitis = new Map<string, Jiti>();

/**
 * A jiti instance rooted at `dir`: loads TypeScript files (config, local
 * plugins) and resolves packages with ESM rules. Native import is tried first
 * so packages share one instance with the running gateway. jiti is imported on
 * first use: a gateway with a JSON/YAML config (or none) never pays its memory.
 */
export async function jitiFor(dir: string): Promise<Jiti> {
  let j = jitis.get(dir);
  if (!j) {
    const { createJiti } = await import('jiti');
    j = createJiti(pathToFileURL(resolvePath(dir, '_.js')).href, {
      tryNative: true,
      interopDefault: true,
      moduleCache: true,
      // A config outside the install still imports this very copy of aisbf.
      alias: { aisbf: CORE_ENTRY },
    });
    jitis.set(dir, j);
  }
  return j;
}

/**
 * Resolves a package from `dir` (a file URL), or undefined when it is not
 * installed there. Node's resolver serves every package with a `default` (or
 * `require`) export; jiti's ESM resolver takes the rest (import-only packages).
 */
async function resolveFrom(dir: string, pkg: string): Promise<string | undefined> {
  try {
    return pathToFileURL(createRequire(resolvePath(dir, '_.js')).resolve(pkg)).href;
  } catch (err) {
    if ((err as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    return (await jitiFor(dir)).esmResolve(pkg, { parentURL: pathToFileURL(resolvePath(dir, '_.js')).href, conditions: CONDITIONS, try: true });
  }
}

export interface LoadedModule {
  /** The default export (or the module itself when it has none). */
  value: unknown;
  /** Every export (for helpers a package exports beside its factory). */
  module: Record<string, unknown>;
  /** The package or file that was loaded. */
  from: string;
}

/**
 * Loads a plugin or preset module named in config:
 * a path (relative to `baseDir`), or a short name tried as each of
 * `packageNames(name)` from `baseDir` first, then from core's installation.
 * Failure says what was tried and suggests the closest installed name.
 */
export async function loadModule(name: string, kind: 'plugin' | 'preset', baseDir: string, keyPath: string): Promise<LoadedModule> {
  if (isPath(name)) {
    const file = resolvePath(baseDir, name);
    try {
      const mod = await (await jitiFor(baseDir)).import<Record<string, unknown>>(file);
      return { value: mod?.default ?? mod, module: mod ?? {}, from: file };
    } catch (err) {
      throw new ConfigError(`${keyPath}: cannot load ${kind} file ${file}: ${(err as Error).message}`, keyPath);
    }
  }
  const tried: string[] = [];
  for (const pkg of packageNames(name, kind)) {
    for (const dir of [baseDir, CORE_DIR]) {
      tried.push(pkg);
      const url = await resolveFrom(dir, pkg);
      if (!url) continue;
      const mod = (await import(url)) as Record<string, unknown>;
      return { value: mod.default ?? mod, module: mod, from: pkg };
    }
  }
  const installed = (await discoverInstalled(baseDir)).filter((p) => p.kind === kind).map((p) => p.name);
  const short = installed.map((n) => n.replace(/^@aisbf\/(plugin|preset)-/, '').replace(/^aisbf-(plugin|preset)-/, ''));
  const guess = closest(name, short);
  const hint = guess ? ` Did you mean '${guess}'?` : installed.length ? ` Installed: ${short.join(', ')}.` : '';
  throw new ConfigError(
    `${keyPath}: ${kind} '${name}' is not installed (tried ${[...new Set(tried)].join(', ')} from ${baseDir}).${hint} Install it with npm install ${packageNames(name, kind)[0]}.`,
    keyPath,
  );
}

import { dirname, resolve } from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { ConfigError } from '../errors.js';
import { jitiFor } from '../plugins/load-module.js';
import type { UserConfig } from './types.js';

/** Where `aisbf` looks for a config, in order, in the working directory. */
export const CONFIG_FILES = [
  'aisbf.config.ts', 'aisbf.config.mts', 'aisbf.config.mjs', 'aisbf.config.js',
  'aisbf.config.json', 'aisbf.config.yaml', 'aisbf.config.yml',
  '.aisbfrc', '.aisbfrc.json', '.aisbfrc.yaml', '.aisbfrc.yml', '.aisbfrc.ts', '.aisbfrc.mjs', '.aisbfrc.js',
];

/**
 * Loads TypeScript and JavaScript configs through jiti: cosmiconfig's own TS
 * loader fails when the config imports a sibling `.ts` file or lives outside
 * the install. The default export may be the config or a (possibly async)
 * function returning it.
 */
const scriptLoader: Loader = async (file) => {
  const mod = await (await jitiFor(dirname(file))).import<Record<string, unknown>>(file);
  const value = mod?.default ?? mod;
  return typeof value === 'function' ? await (value as () => unknown)() : value;
};

export interface LoadedConfig {
  config: UserConfig;
  /** Absolute path of the file; undefined when none was found. */
  file?: string;
}

/**
 * Finds and loads the config: `file` when given, else the first of
 * CONFIG_FILES in `cwd`. Returns `{ config: undefined }`-free result: when no
 * file exists, `file` is undefined and the caller picks the embedded default.
 */
export async function loadConfigFile(options: { file?: string; cwd?: string } = {}): Promise<LoadedConfig | undefined> {
  const cwd = options.cwd ?? process.cwd();
  const explorer = cosmiconfig('aisbf', {
    searchPlaces: CONFIG_FILES,
    searchStrategy: 'none',
    loaders: { '.ts': scriptLoader, '.mts': scriptLoader, '.mjs': scriptLoader, '.js': scriptLoader, '.cjs': scriptLoader },
    cache: false,
  });
  try {
    const found = options.file ? await explorer.load(resolve(cwd, options.file)) : await explorer.search(cwd);
    if (!found) return undefined;
    if (found.isEmpty || typeof found.config !== 'object' || found.config === null) {
      throw new ConfigError(`${found.filepath}: the config is empty; export an object (see defineConfig in the README).`);
    }
    return { config: found.config as UserConfig, file: found.filepath };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const where = options.file ? resolve(cwd, options.file) : cwd;
    throw new ConfigError(`Cannot load the config (${where}): ${(err as Error).message}`);
  }
}

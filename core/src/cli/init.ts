import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/** The starter config `aisbf init` writes: the preset, one real provider commented in, one public model. */
export function starterConfig(preset: string): string {
  const ident = preset.replace(/[^A-Za-z0-9]/g, '_');
  return `import { defineConfig } from 'aisbf';
import ${ident} from '@aisbf/preset-${preset}';

// aisbf config: see the README's config reference for every key.
// Secrets come from the environment: write '\${VAR}', never the key itself.
export default defineConfig({
  server: { host: '127.0.0.1', port: 8787 },
  presets: [${ident}()],
  providers: {
    // gpt: { type: 'openai', apiKey: '\${OPENAI_API_KEY}', models: ['gpt-4o-mini'] },
    echo: { type: 'mock', models: ['mock-1'] },
  },
  models: {
    // A public name clients use as "model", over candidates in priority order.
    fast: { candidates: ['echo/mock-1'] },
  },
  // plugins: ['cache', ['failover', { retries: 1 }]],
  // state: { backend: 'redis', url: '\${REDIS_URL}' },
});
`;
}

/** Writes `aisbf.config.ts` in `dir`; refuses to overwrite unless `force`. */
export async function writeStarterConfig(dir: string, preset: string, force: boolean): Promise<string> {
  const file = join(dir, 'aisbf.config.ts');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(preset)) throw new ConfigError(`--preset: '${preset}' is not a preset name (e.g. startup, enterprise, local-only).`);
  if (!force) {
    const exists = await access(file).then(() => true, () => false);
    if (exists) throw new ConfigError(`${file} exists; pass --force to overwrite it.`);
  }
  await writeFile(file, starterConfig(preset));
  return file;
}

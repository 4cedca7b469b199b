import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/** The enterprise starter: every knob that matters on a multi-tenant cluster, commented. */
const ENTERPRISE = `import { defineConfig } from 'aisbf';
import enterprise from '@aisbf/preset-enterprise';

// aisbf for many teams on a cluster of nodes (see the README's config reference).
// Environment (never write secrets here):
//   AISBF_ADMIN_KEY  the admin API key (/admin/keys, /admin/usage); any long random string
//   DATABASE_URL     postgres://… for API keys and the usage ledger
//   REDIS_URL        redis://… shared by every node: limits, budgets, breakers, cache, latency
//   provider keys    OPENAI_API_KEY, ANTHROPIC_API_KEY, … as your providers below need
export default defineConfig({
  server: { host: '0.0.0.0', port: 8787 },
  presets: [
    enterprise({
      // Requests, tokens per minute and concurrency, per key (also: user, team, model scopes).
      limits: { key: { rpm: 600, tpm: 1000000, concurrent: 32 }, team: { rpm: 6000 } },
      // Spend limits in USD; per-key budgets are set when a key is created (POST /admin/keys).
      budgets: { team: { usd: 1000, period: 'month' } },
    }),
  ],
  // Give each cluster its own key prefix in a shared Redis.
  state: { prefix: 'aisbf:prod:' },
  providers: {
    gpt: { type: 'openai', apiKey: '\${OPENAI_API_KEY}', models: ['gpt-4o-mini', 'gpt-4o'] },
    // claude: { type: 'anthropic', apiKey: '\${ANTHROPIC_API_KEY}', models: ['claude-sonnet-4-5'] },
  },
  models: {
    // Public names clients send as "model"; candidates are tried in order (failover), after the policies rank them.
    fast: { candidates: ['gpt/gpt-4o-mini'] },
    smart: { candidates: ['gpt/gpt-4o'/*, 'claude/claude-sonnet-4-5'*/], policies: [['cost', { minQuality: 0.7 }]] },
  },
  // Premium users to strong models, free users to cheap ones (the tier comes from the API key):
  // routing: { policies: [['tier', { tiers: { premium: { prefer: ['strong'] }, free: { allow: ['cheap'] } }, default: 'free' }]] },
});
`;

/** The starter config `aisbf init` writes: the preset, one real provider commented in, one public model. */
export function starterConfig(preset: string): string {
  if (preset === 'enterprise') return ENTERPRISE;
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

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ConfigError, definePlugin, definePreset, discoverInstalled, loadConfigFile, packageNames, resolveConfig, type UserConfig,
} from 'aisbf';
import { orderPlugins } from '../src/plugins/order.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const resolve = (config: UserConfig, env: NodeJS.ProcessEnv = {}) => resolveConfig(config, { baseDir: ROOT, env });

async function rejects(config: UserConfig, pattern: RegExp, env: NodeJS.ProcessEnv = {}) {
  await assert.rejects(resolve(config, env), (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('config', () => {
  describe('validation messages name the key path and the owning plugin', () => {
    it('a wrong type on a common provider key', () =>
      rejects({ providers: { x: { type: 'mock', timeoutMs: 'soon' as unknown as number } } }, /^providers\.x\.timeoutMs must be integer/));
    it("a wrong type on an adapter's own key names the plugin", () =>
      rejects({ providers: { x: { type: 'mock', failRate: 7 } } }, /providers\.x\.failRate must be <= 1 \(plugin 'mock'\)/));
    it('an unknown key on a provider entry', () =>
      rejects({ providers: { x: { type: 'mock', latncyMs: 5 } } }, /providers\.x\.latncyMs is not a known key.*plugin 'mock'/));
    it('an unknown top-level key', () => rejects({ servre: {} } as UserConfig, /servre is not a known key/));
    it('a candidate naming an unconfigured provider', () =>
      rejects({ providers: { a: { type: 'mock' } }, models: { m: { candidates: ['a/x', 'b/y'] } } }, /models\.m\.candidates\[1\]: provider 'b' is not configured \(configured: a\)/));
    it('a candidate without a slash', () => rejects({ models: { m: { candidates: ['nothing'] } } }, /models\.m\.candidates\[0\] must look like "<provider>\/<model>"/));
    it('a port out of range', () => rejects({ server: { port: 70000 } }, /server\.port must be <= 65535/));
  });

  describe('${VAR} interpolation', () => {
    it('reads variables, with defaults', async () => {
      const c = await resolve({ providers: { g: { type: 'openai', apiKey: '${MY_KEY}', baseURL: '${BASE:-http://127.0.0.1:9/v1}' } } }, { MY_KEY: 'sk-1' });
      assert.equal(c.providers.g.apiKey, 'sk-1');
      assert.equal(c.providers.g.baseURL, 'http://127.0.0.1:9/v1');
    });
    it('a missing variable is a load error naming the key, and never shows a value', () =>
      rejects({ providers: { g: { type: 'openai', apiKey: '${NOT_SET_ANYWHERE}' } } }, /providers\.g\.apiKey: environment variable NOT_SET_ANYWHERE is not set/));
  });

  describe('plugin names', () => {
    it('expands short names Babel-style', () => {
      assert.deepEqual(packageNames('cache', 'plugin'), ['@aisbf/plugin-cache', 'aisbf-plugin-cache']);
      assert.deepEqual(packageNames('@acme/guard', 'plugin'), ['@acme/aisbf-plugin-guard', '@acme/guard']);
      assert.deepEqual(packageNames('aisbf-plugin-x', 'plugin'), ['aisbf-plugin-x']);
      assert.deepEqual(packageNames('@aisbf/plugin-mock', 'plugin'), ['@aisbf/plugin-mock']);
      assert.deepEqual(packageNames('startup', 'preset'), ['@aisbf/preset-startup', 'aisbf-preset-startup']);
    });
    it('auto-loads a provider plugin from its type', async () => {
      const c = await resolve({ providers: { e: { type: 'mock' } } });
      assert.ok(c.plugins.some((p) => p.name === 'mock' && p.provider?.type === 'mock'));
    });
    it('an unknown plugin says what was tried and suggests the closest installed name', () =>
      rejects({ plugins: ['mokc'] }, /plugin 'mokc' is not installed \(tried @aisbf\/plugin-mokc, aisbf-plugin-mokc from .*\)\. Did you mean 'mock'\?/));
    it('an unknown provider type names the key', () =>
      rejects({ providers: { x: { type: 'opneai' } } }, /providers\.x\.type: plugin 'opneai' is not installed.*Did you mean 'openai'\?/));
    it('a preset listed as a plugin is called out', () => rejects({ plugins: ['@aisbf/preset-startup'] }, /did not give a plugin.*It looks like a preset/));
    it('loads a plugin from a path relative to the config file, with options', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'aisbf-cfg-'));
      try {
        await writeFile(join(dir, 'tag.ts'), "export default (o: { tag: string }) => ({ name: 'tagger', tag: o.tag, options: { type: 'object', properties: { tag: { type: 'string' } } } });\n");
        const c = await resolveConfig({ plugins: [['./tag.ts', { tag: 'v1' }]] }, { baseDir: dir, env: {} });
        assert.equal((c.plugins.find((p) => p.name === 'tagger') as unknown as { tag: string }).tag, 'v1');
        await assert.rejects(resolveConfig({ plugins: [['./tag.ts', { tag: 5 }]] }, { baseDir: dir, env: {} }), /plugins\[0\]\[1\]\.tag must be string \(plugin 'tagger'\)/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    it('discovers installed packages with the aisbf-plugin keyword', async () => {
      const found = await discoverInstalled(ROOT);
      const names = found.map((p) => p.name);
      assert.ok(names.includes('@aisbf/plugin-mock') && names.includes('@aisbf/plugin-openai'));
      assert.equal(found.find((p) => p.name === '@aisbf/preset-startup')?.kind, 'preset');
    });
  });

  describe('presets', () => {
    it('flattens preset plugins first; user providers and models replace preset ones by name', async () => {
      const base = definePlugin({ name: 'p-base' });
      const preset = definePreset({ name: 'mine', plugins: [base], providers: { echo: { type: 'mock', latencyMs: 50 } }, models: { fast: { candidates: ['echo/a'] } } });
      const user = definePlugin({ name: 'u-plugin' });
      const c = await resolve({ presets: [preset], plugins: [user], providers: { echo: { type: 'mock' } }, models: { slow: { candidates: ['echo/b'] } } });
      const names = c.plugins.map((p) => p.name);
      assert.ok(names.indexOf('p-base') < names.indexOf('u-plugin'));
      assert.equal(c.providers.echo.latencyMs, undefined, 'the user entry replaced the preset one');
      assert.deepEqual(Object.keys(c.models).sort(), ['fast', 'slow']);
      assert.deepEqual(c.presets, ['mine']);
    });
  });

  describe('plugin order', () => {
    const p = (name: string, extra = {}) => ({ name, ...extra });
    it('pre, normal, post; before moves a plugin ahead', () => {
      const out = orderPlugins([p('a'), p('z', { enforce: 'post' }), p('b'), p('y', { enforce: 'pre' }), p('c', { before: ['a'] })]);
      assert.deepEqual(out.map((x) => x.name), ['y', 'c', 'a', 'b', 'z']);
    });
    it('a cycle of before constraints is a clear error', () => {
      assert.throws(() => orderPlugins([p('a', { before: ['b'] }), p('b', { before: ['a'] })]), /form a cycle/);
    });
  });

  describe('files', () => {
    let dir: string;
    beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'aisbf-cfg-')); });
    afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

    it('finds aisbf.config.ts (importing a sibling .ts file) and YAML', async () => {
      await writeFile(join(dir, 'shared.ts'), "export const port: number = 9999;\n");
      await writeFile(join(dir, 'aisbf.config.ts'), "import { defineConfig } from 'aisbf';\nimport { port } from './shared.ts';\nexport default defineConfig({ server: { port } });\n");
      const ts = await loadConfigFile({ cwd: dir });
      assert.equal(ts?.config.server?.port, 9999);
      await rm(join(dir, 'aisbf.config.ts'));
      await writeFile(join(dir, '.aisbfrc.yaml'), 'server:\n  port: 7777\n');
      assert.equal((await loadConfigFile({ cwd: dir }))?.config.server?.port, 7777);
    });

    it('returns nothing when no file exists (the CLI then uses the embedded default)', async () => {
      assert.equal(await loadConfigFile({ cwd: dir }), undefined);
    });

    it('`aisbf check` prints the pipeline, and exits 1 naming the key on a bad config', async () => {
      const cli = join(ROOT, 'core/src/cli/run.ts');
      const args = [...process.execArgv, cli, 'check', '--config'];
      await writeFile(join(dir, 'good.json'), JSON.stringify({ providers: { echo: { type: 'mock' } }, models: { fast: { candidates: ['echo/m'] } } }));
      const ok = await run(process.execPath, [...args, join(dir, 'good.json')]);
      assert.match(ok.stdout, /translate\s+mock \(type mock\)/);
      assert.match(ok.stdout, /fast\s+echo\/m/);
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ providers: { x: { type: 'mock', timeoutMs: -1 } } }));
      await assert.rejects(run(process.execPath, [...args, join(dir, 'bad.json')]), (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /config error: providers\.x\.timeoutMs must be >= 1/);
        return true;
      });
    });
  });
});

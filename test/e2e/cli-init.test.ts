import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'core/src/cli/run.ts');
const run = promisify(execFile);
const aisbf = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [...process.execArgv, CLI, ...args], { cwd, env: { ...process.env, ...env } });

describe('CLI: init, check, keys, plugins', () => {
  let dir: string;
  // Inside the project, so the starter's imports resolve as they do in a user's project.
  beforeEach(async () => { dir = await mkdtemp(join(ROOT, '.tmp-init-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('init writes a startup config that check accepts, and refuses to overwrite it', async () => {
    await aisbf(dir, ['init']);
    const text = await readFile(join(dir, 'aisbf.config.ts'), 'utf8');
    assert.match(text, /@aisbf\/preset-startup/);
    const checked = await aisbf(dir, ['check']);
    assert.match(checked.stdout, /fast\s+echo\/mock-1/);
    await assert.rejects(aisbf(dir, ['init']), (e: { stderr: string }) => /exists; pass --force/.test(e.stderr));
  });

  it('init --preset enterprise writes a commented config whose pipeline check prints, given its environment', async () => {
    await aisbf(dir, ['init', '--preset', 'enterprise']);
    const text = await readFile(join(dir, 'aisbf.config.ts'), 'utf8');
    assert.match(text, /AISBF_ADMIN_KEY/);
    await assert.rejects(aisbf(dir, ['check'], { AISBF_ADMIN_KEY: '', DATABASE_URL: '', REDIS_URL: '' }), (e: { stderr: string; code: number }) =>
      e.code === 1 && /environment variable (AISBF_ADMIN_KEY|DATABASE_URL|REDIS_URL|OPENAI_API_KEY) is not set/.test(e.stderr));
    const env = { AISBF_ADMIN_KEY: 'a'.repeat(32), DATABASE_URL: 'postgres://u@127.0.0.1:5432/x', REDIS_URL: 'redis://127.0.0.1:6379', OPENAI_API_KEY: 'sk-test' };
    const checked = await aisbf(dir, ['check'], env);
    assert.match(checked.stdout, /auth\s+auth-keys/);
    assert.match(checked.stdout, /ratelimit\s+ratelimit → budget/);
    assert.match(checked.stdout, /state:\s+redis/);
    assert.doesNotMatch(checked.stdout, /sk-test|aaaaaaaa/, 'no secret is printed');
  });

  it('keys generate and keys hash agree; the key is read from stdin when not given', async () => {
    const made = await aisbf(dir, ['keys', 'generate']);
    const key = /key:\s+(\S+)/.exec(made.stdout)![1];
    const hash = /hash:\s+(\S+)/.exec(made.stdout)![1];
    assert.match(hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal((await aisbf(dir, ['keys', 'hash', key])).stdout.trim(), hash);
    const child = execFile(process.execPath, [...process.execArgv, CLI, 'keys', 'hash', '-'], { cwd: dir });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    child.stdin!.end(`${key}\n`);
    await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(out.trim(), hash);
  });

  it('plugins lists installed plugins with what each provides', async () => {
    const { stdout } = await aisbf(dir, ['plugins']);
    assert.match(stdout, /@aisbf\/plugin-anthropic@\S+\s+provider \(type anthropic\)/);
    assert.match(stdout, /@aisbf\/plugin-cache@\S+\s+cache/);
    assert.match(stdout, /@aisbf\/preset-enterprise@\S+\s+preset/);
  });
});

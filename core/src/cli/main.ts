import { dirname } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfigFile } from '../config/load.js';
import { resolveConfig } from '../config/resolve.js';
import type { ResolvedConfig, UserConfig } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { createGateway } from '../gateway.js';
import { createLogger } from '../logger.js';
import { describePipeline, describePlugin } from './describe.js';
import { writeStarterConfig } from './init.js';
import { discoverInstalled } from '../plugins/discover.js';
import { loadModule } from '../plugins/load-module.js';

/** Used when no config file is found: the startup preset (mock provider when no keys are set). */
export const EMBEDDED_DEFAULT: UserConfig = { presets: ['startup'] };

interface ConfigFlags {
  config?: string;
}

/** Loads the config file (or the embedded default) and resolves it. */
export async function loadResolved(flags: ConfigFlags, cwd = process.cwd()): Promise<ResolvedConfig> {
  const loaded = await loadConfigFile({ file: flags.config, cwd });
  if (!loaded) return resolveConfig(EMBEDDED_DEFAULT, { baseDir: cwd });
  return resolveConfig(loaded.config, { baseDir: dirname(loaded.file!), file: loaded.file });
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return n;
}

export function buildCli(): Command {
  const program = new Command('aisbf')
    .description('aisbf: a self-hosted AI gateway that speaks the OpenAI API')
    .showHelpAfterError('(run with --help for usage)');

  program.command('start')
    .description('start the gateway (config: ./aisbf.config.* or the embedded default)')
    .option('-c, --config <file>', 'config file to load instead of searching the working directory')
    .option('-H, --host <host>', 'interface to listen on (overrides server.host)')
    .option('-p, --port <port>', 'port to listen on (overrides server.port)', port)
    .action(async (flags: ConfigFlags & { host?: string; port?: number }) => {
      const config = await loadResolved(flags);
      const logger = createLogger();
      const gateway = await createGateway(config, { logger });
      const url = await gateway.listen(flags.port ?? config.server.port, flags.host ?? config.server.host);
      const out = [
        `aisbf listening on ${url}  (config: ${config.file ?? 'embedded default, preset startup'})`,
        `  providers: ${Object.entries(config.providers).map(([id, p]) => `${id} (${p.type})`).join(', ') || 'none'}`,
        `  models:    ${Object.keys(config.models).join(', ') || 'none'}  (GET ${url}/v1/models lists all)`,
        ...config.notes.map((n) => `  note: ${n}`),
        `  try: curl ${url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"${Object.keys(config.models)[0] ?? 'provider/model'}","messages":[{"role":"user","content":"hello"}]}'`,
      ];
      console.log(out.join('\n'));
      if (config.state.backend === 'memory') {
        console.warn('  warning: state is in process memory (state.backend: memory); limits and records are lost on restart and not shared across nodes.');
      }
      const stop = (signal: string) => {
        console.log(`\n${signal}: closing (in-flight requests get 2 s to finish)…`);
        gateway.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program.command('check')
    .description('load and validate the config, print the resolved pipeline stage by stage; exit 1 on error')
    .option('-c, --config <file>', 'config file to check')
    .action(async (flags: ConfigFlags) => {
      const config = await loadResolved(flags);
      console.log(describePipeline(config));
    });

  program.command('init')
    .description('write a starter aisbf.config.ts in the working directory')
    .option('--preset <name>', 'preset to start from', 'startup')
    .option('-f, --force', 'overwrite an existing aisbf.config.ts')
    .action(async (flags: { preset: string; force?: boolean }) => {
      const file = await writeStarterConfig(process.cwd(), flags.preset, flags.force === true);
      console.log(`wrote ${file}\nnext: edit providers/models, then run: npx aisbf check && npx aisbf start`);
    });

  const keys = program.command('keys').description('API key helpers (for the auth-keys plugin)');
  keys.command('hash')
    .description('print the hash to put in config (keys: [{ id, hash, … }]) for a key; the key itself is never stored')
    .argument('[key]', "the key; omit it (or give '-') to read one line from standard input, which keeps it out of shell history")
    .action(async (key: string | undefined) => {
      const plaintext = key === undefined || key === '-' ? await readStdinLine() : key;
      if (!plaintext) throw new ConfigError('keys hash: give a key as an argument or on standard input.');
      const mod = await loadModule('auth-keys', 'plugin', process.cwd(), 'keys hash');
      const hashKey = (mod.module as { hashKey?: (k: string) => string }).hashKey;
      if (typeof hashKey !== 'function') throw new ConfigError(`keys hash: '${mod.from}' exports no hashKey(); update the auth-keys plugin.`);
      console.log(hashKey(plaintext));
    });
  keys.command('generate')
    .description('print a new random key and its hash (give the key to the client, put the hash in config)')
    .action(async () => {
      const mod = await loadModule('auth-keys', 'plugin', process.cwd(), 'keys generate');
      const { generateKey, hashKey } = mod.module as { generateKey?: () => string; hashKey?: (k: string) => string };
      if (typeof generateKey !== 'function' || typeof hashKey !== 'function') throw new ConfigError(`keys generate: '${mod.from}' exports no generateKey()/hashKey().`);
      const key = generateKey();
      console.log(`key:  ${key}\nhash: ${hashKey(key)}`);
    });

  program.command('plugins')
    .description('list installed aisbf plugins and presets, and what each provides')
    .action(async () => {
      const installed = await discoverInstalled(process.cwd());
      if (installed.length === 0) {
        console.log('No aisbf plugins installed here (packages with the "aisbf-plugin" keyword). Try: npm install @aisbf/plugin-cache');
        return;
      }
      for (const p of installed) {
        let provides = '';
        try {
          const { value } = await loadModule(p.name, p.kind, process.cwd(), 'plugins');
          provides = p.kind === 'preset' ? 'preset' : describePlugin(typeof value === 'function' ? (value as () => unknown)() : value);
        } catch (err) {
          provides = `cannot load: ${(err as Error).message.split('\n')[0]}`;
        }
        console.log(`${p.name}@${p.version}  ${provides}${p.description ? `\n    ${p.description}` : ''}`);
      }
    });

  return program;
}

async function readStdinLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0].trim();
}

/** Entry point of the `aisbf` bin. Config errors exit 1 with the message (key path included), no stack. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`aisbf: config error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

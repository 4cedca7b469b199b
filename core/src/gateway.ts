import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import type Koa from 'koa';
import type { Dispatcher } from 'undici';
import type { ModelInfo } from './canonical.js';
import { resolveConfig } from './config/resolve.js';
import type { ResolvedConfig, UserConfig } from './config/types.js';
import { createHttpApp } from './http/app.js';
import { createLogger, type Logger } from './logger.js';
import { Pipeline } from './pipeline.js';
import { modelId, type Plugin } from './plugin.js';
import { createStages, type Stages } from './stages.js';
import { MemoryState } from './state/memory-state.js';
import type { SharedState } from './state/shared-state.js';
import { HttpClient } from './upstream/http-client.js';
import { ProviderRuntime } from './upstream/provider-runtime.js';

export interface GatewayOptions {
  /** Directory plugin names resolve from; default the working directory. */
  baseDir?: string;
  logger?: Logger;
  /** Route all upstream HTTP through this undici dispatcher (tests: `MockAgent`). */
  dispatcher?: Dispatcher;
  env?: NodeJS.ProcessEnv;
}

/**
 * A running (or ready-to-run) gateway.
 *
 * @example
 * const gw = await createGateway(defineConfig({ presets: [startup()] }));
 * const url = await gw.listen(0);      // 'http://127.0.0.1:54321'
 * await gw.close();
 */
export interface Gateway {
  readonly config: ResolvedConfig;
  readonly stages: Stages;
  readonly state: SharedState;
  readonly app: Koa;
  readonly logger: Logger;
  /** Starts listening (defaults from `server`); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** The base URL once listening. */
  readonly url: string | undefined;
  readonly server: Server | undefined;
  /** Stops accepting connections, closes plugins (reverse order), pools and state. */
  close(): Promise<void>;
}

/** Resolves the config (unless already resolved), runs every plugin's `setup`, and builds the app. */
export async function createGateway(config: UserConfig | ResolvedConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const resolved = isResolved(config)
    ? config
    : await resolveConfig(config, { baseDir: options.baseDir ?? process.cwd(), env: options.env });
  const logger = options.logger ?? createLogger();
  const stages = createStages(resolved.plugins, logger);
  const state = await createState(resolved, logger);
  const router = new Router();

  const started: Plugin[] = [];
  const client = new HttpClient({ dispatcher: options.dispatcher });
  const closeAll = async () => {
    for (const p of [...started].reverse()) {
      try {
        await p.close?.();
      } catch (err) {
        logger.warn({ plugin: p.name, err: String(err) }, 'plugin close failed');
      }
    }
    await client.close();
    await state.close();
  };
  try {
    for (const p of resolved.plugins) {
      started.push(p);
      await p.setup?.({ config: resolved, state, logger: logger.child({ plugin: p.name }), router });
    }
  } catch (err) {
    await closeAll();
    throw err;
  }

  const runtimes = new Map<string, ProviderRuntime>();
  for (const [id, cfg] of Object.entries(resolved.providers)) {
    const plugin = resolved.plugins.find((p) => p.provider?.type === cfg.type)!;
    runtimes.set(id, new ProviderRuntime(id, cfg, plugin.provider!, client));
  }
  const pipeline = new Pipeline(resolved, stages, runtimes, logger);

  let ready = false;
  const app = createHttpApp({
    pipeline, logger, router, bodyLimit: resolved.server.bodyLimit, models: listModels(resolved), ready: () => ready,
  });
  app.silent = true;
  let server: Server | undefined;
  let url: string | undefined;

  return {
    config: resolved,
    stages,
    state,
    app,
    logger,
    get url() { return url; },
    get server() { return server; },
    async listen(port = resolved.server.port, host = resolved.server.host) {
      server = app.listen(port, host);
      server.keepAliveTimeout = resolved.server.keepAliveTimeoutMs;
      // headersTimeout must exceed keepAliveTimeout or Node drops idle keep-alive sockets mid-request.
      server.headersTimeout = resolved.server.keepAliveTimeoutMs + 1000;
      server.requestTimeout = 0; // streams may legitimately run for minutes
      await once(server, 'listening');
      const addr = server.address() as AddressInfo;
      url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
      ready = true;
      return url;
    },
    async close() {
      ready = false;
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeIdleConnections();
          // Streams in flight get a moment to finish, then are cut.
          setTimeout(() => s.closeAllConnections(), 2000).unref();
        });
      }
      await closeAll();
    },
  };
}

function isResolved(c: UserConfig | ResolvedConfig): c is ResolvedConfig {
  return Array.isArray((c as ResolvedConfig).plugins) && typeof (c as ResolvedConfig).server?.bodyLimit === 'number' && 'notes' in c;
}

async function createState(config: ResolvedConfig, logger: Logger): Promise<SharedState> {
  const backend = config.state.backend ?? 'memory';
  if (backend === 'memory') return new MemoryState();
  const plugin = config.plugins.find((p) => p.state?.backend === backend)!;
  const { backend: _b, ...options } = config.state;
  const state = await plugin.state!.create(options);
  logger.info({ backend }, 'shared state backend ready');
  return state;
}

/** GET /v1/models: every public model name, then `<provider>/<model>` for each provider's listed models. */
export function listModels(config: ResolvedConfig): ModelInfo[] {
  const created = Math.floor(Date.now() / 1000);
  const out: ModelInfo[] = Object.keys(config.models).map((id) => ({ id, object: 'model', created, owned_by: 'aisbf' }));
  for (const [pid, p] of Object.entries(config.providers)) {
    for (const m of p.models ?? []) out.push({ id: `${pid}/${modelId(m)}`, object: 'model', created, owned_by: pid });
  }
  return out;
}

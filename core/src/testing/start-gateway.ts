import type { UserConfig } from '../config/types.js';
import { createGateway, type Gateway, type GatewayOptions } from '../gateway.js';
import { createLogger } from '../logger.js';

export interface TestGateway {
  gateway: Gateway;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url + '/v1'`: what the openai SDK takes as `baseURL`. */
  baseURL: string;
  close(): Promise<void>;
}

/**
 * Starts a gateway on a free loopback port, logging only errors (or what
 * `AISBF_LOG_LEVEL` says).
 *
 * @example
 * const gw = await startGateway({ providers: { echo: { type: 'mock' } } });
 * const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'unused' });
 */
export async function startGateway(config: UserConfig, options: GatewayOptions = {}): Promise<TestGateway> {
  const gateway = await createGateway(
    { ...config, server: { ...config.server, host: '127.0.0.1', port: 0 } },
    { logger: createLogger(process.env.AISBF_LOG_LEVEL ?? 'error'), ...options },
  );
  const url = await gateway.listen();
  return { gateway, url, baseURL: `${url}/v1`, close: () => gateway.close() };
}

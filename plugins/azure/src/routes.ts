import type { ProviderTarget } from 'aisbf';
import type { AzureOptions } from './wire.js';

/** The latest GA `api-version` of the classic data-plane routes when none is configured. */
export const DEFAULT_API_VERSION = '2024-10-21';

/** The deployment a model is served by: the configured one, the mapped one, or the model name itself. */
export function deploymentFor(target: ProviderTarget<AzureOptions>): string {
  const d = target.config.deployment;
  if (typeof d === 'string') return d;
  return d?.[target.model] ?? target.model;
}

/**
 * The path of an operation (`chat/completions`, `embeddings`):
 * - classic, when `deployment` or `apiVersion` is set:
 *   `/openai/deployments/<deployment>/<op>?api-version=<apiVersion>`;
 * - otherwise the v1 GA route `/openai/v1/<op>`, with the deployment as body `model`.
 * A `baseURL` that already ends in `/openai` is not given it twice.
 */
export function azurePath(target: ProviderTarget<AzureOptions>, operation: string): string {
  const c = target.config;
  const prefix = /\/openai\/?$/.test(c.baseURL ?? '') ? '' : '/openai';
  if (c.deployment === undefined && c.apiVersion === undefined) return `${prefix}/v1/${operation}`;
  const version = encodeURIComponent(c.apiVersion ?? DEFAULT_API_VERSION);
  return `${prefix}/deployments/${encodeURIComponent(deploymentFor(target))}/${operation}?api-version=${version}`;
}

/** Azure takes the key as `api-key`; Entra ID tokens go in `headers: { authorization: 'Bearer …' }` instead. */
export function azureHeaders(config: AzureOptions): Record<string, string> {
  return config.apiKey ? { 'api-key': config.apiKey } : {};
}

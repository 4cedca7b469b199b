import type { ModelInfo } from 'aisbf';
import type { ModelsList } from './wire.js';

/**
 * An Anthropic `GET /v1/models` page → `/v1/models` entries, ids prefixed with
 * the provider id as the gateway addresses them (`claude/claude-sonnet-4-5`).
 * Core has no hook to call a provider's listing yet, so this is exported for
 * tooling (and for that hook) rather than wired in.
 *
 * @example anthropicModels({ data: [{ type: 'model', id: 'claude-sonnet-4-5', created_at: '2025-09-29T00:00:00Z' }] }, 'claude')
 * // → [{ id: 'claude/claude-sonnet-4-5', object: 'model', created: 1759104000, owned_by: 'anthropic' }]
 */
export function anthropicModels(body: ModelsList, providerId: string): ModelInfo[] {
  return (body.data ?? []).map((m) => {
    const at = m.created_at ? Date.parse(m.created_at) : Number.NaN;
    return { id: `${providerId}/${m.id}`, object: 'model', created: Number.isNaN(at) ? 0 : Math.floor(at / 1000), owned_by: 'anthropic' };
  });
}

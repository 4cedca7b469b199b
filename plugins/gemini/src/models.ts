import type { ModelInfo } from 'aisbf';
import type { ModelsList } from './wire.js';

/**
 * A Gemini `GET /v1beta/models` page → `/v1/models` entries as the gateway
 * addresses them (`gemini/gemini-2.5-flash`): chat and embedding models only,
 * `models/` prefix stripped. Core has no hook to call a provider's listing
 * yet, so this is exported for tooling (and for that hook) rather than wired in.
 *
 * @example geminiModels({ models: [{ name: 'models/gemini-2.5-flash', supportedGenerationMethods: ['generateContent'] }] }, 'gemini')
 * // → [{ id: 'gemini/gemini-2.5-flash', object: 'model', created: 0, owned_by: 'google' }]
 */
export function geminiModels(body: ModelsList, providerId: string): ModelInfo[] {
  return (body.models ?? [])
    .filter((m) => m.supportedGenerationMethods?.some((g) => g === 'generateContent' || g === 'embedContent'))
    .map((m) => ({ id: `${providerId}/${m.name.replace(/^models\//, '')}`, object: 'model', created: 0, owned_by: 'google' }));
}

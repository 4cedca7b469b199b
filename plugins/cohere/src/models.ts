import { AISBF_ERR_UPSTREAM_PROTOCOL, type ModelInfo, type ProviderTarget, type UpstreamRequest } from 'aisbf';
import { cohereHeaders } from './chat.js';
import type { CohereOptions } from './wire.js';

/** `GET /v1/models` answer (Cohere lists models on v1 only). */
export interface CohereModelList {
  models?: Array<{ name: string; endpoints?: string[]; is_deprecated?: boolean }>;
  next_page_token?: string;
}

/**
 * Cohere's model listing as a pure request/response pair, ready for a
 * `/v1/models` that asks providers (core does not call it yet: it lists the
 * `models` of each provider entry). Only models that serve chat or embed and
 * are not deprecated are kept; ids are Cohere's names.
 */
export const cohereModels = {
  request(target: ProviderTarget<CohereOptions>): UpstreamRequest {
    return { method: 'GET', path: '/v1/models?page_size=1000', headers: cohereHeaders(target.config) };
  },
  response(body: unknown, target: ProviderTarget<CohereOptions>): ModelInfo[] {
    const list = body as CohereModelList;
    if (typeof list !== 'object' || list === null || !Array.isArray(list.models)) {
      throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'a Cohere model list without models');
    }
    return list.models
      .filter((m) => !m.is_deprecated && (m.endpoints ?? []).some((e) => e === 'chat' || e === 'embed'))
      .map((m) => ({ id: m.name, object: 'model', created: 0, owned_by: 'cohere' }));
  },
};

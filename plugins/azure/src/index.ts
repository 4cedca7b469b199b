import { embeddingsResponse, openAIError } from '@aisbf/plugin-openai';
import { definePlugin, type HttpProviderAdapter, type Plugin } from 'aisbf';
import { chatRequest, chatResponse } from './chat.js';
import { embeddingsRequest } from './embeddings.js';
import { AzureStream } from './stream.js';
import type { AzureOptions } from './wire.js';

export { chatRequest, chatResponse } from './chat.js';
export { embeddingsRequest } from './embeddings.js';
export { AzureStream } from './stream.js';
export { azurePath, deploymentFor, DEFAULT_API_VERSION } from './routes.js';
export type { AzureOptions } from './wire.js';

/** The Azure OpenAI adapter. */
export const azureAdapter: HttpProviderAdapter<AzureOptions> = {
  type: 'azure',
  options: {
    properties: {
      resource: { type: 'string', pattern: '^[A-Za-z0-9-]+$' },
      deployment: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'object', additionalProperties: { type: 'string', minLength: 1 } }] },
      apiVersion: { type: 'string', minLength: 1 },
    },
  },
  validate(config) {
    const c = config as AzureOptions;
    // `resource` is shorthand for the endpoint; filling baseURL here lets core's
    // own check (every HTTP provider needs a baseURL) pass and name the real problem.
    if (!c.baseURL && c.resource) c.baseURL = `https://${c.resource}.openai.azure.com`;
    if (!c.baseURL) throw new Error("set baseURL: 'https://<resource>.openai.azure.com' (or resource: '<resource>')");
    const auth = Object.keys(c.headers ?? {}).some((h) => /^(authorization|api-key)$/i.test(h));
    if (!c.apiKey && !auth) throw new Error("apiKey is required: write apiKey: '${AZURE_OPENAI_API_KEY}' (or send an Entra ID token in headers.authorization)");
    // With a deployment map, advertise its models in GET /v1/models unless the entry lists its own.
    if (c.models === undefined && c.deployment && typeof c.deployment === 'object') c.models = Object.keys(c.deployment);
  },
  chat: {
    request: chatRequest,
    response: chatResponse,
    stream: (target) => new AzureStream(target),
  },
  embeddings: { request: embeddingsRequest, response: embeddingsResponse },
  // Azure's errors are OpenAI's envelope (429 with the string code "429", a
  // filtered prompt as 400 code "content_filter"), which openAIError maps.
  error: (status, body, headers, target) => openAIError(status, body, headers, target.id),
};

/**
 * Azure OpenAI. Classic deployment routes with `api-version` when
 * `deployment` or `apiVersion` is set, the v1 GA routes otherwise.
 *
 * @example
 * providers: {
 *   az: { type: 'azure', resource: 'acme-eu', apiKey: '${AZURE_OPENAI_API_KEY}', deployment: { 'gpt-4o': 'gpt4o-prod' } },
 * }
 */
export default function azure(): Plugin {
  return definePlugin({ name: 'azure', provider: azureAdapter as HttpProviderAdapter });
}

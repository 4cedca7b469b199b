import { embeddingsRequest as openAIEmbeddingsRequest } from '@aisbf/plugin-openai';
import type { EmbeddingsRequest, ProviderTarget, UpstreamRequest } from 'aisbf';
import { azureHeaders, azurePath, deploymentFor } from './routes.js';
import type { AzureOptions } from './wire.js';

/** OpenAI's embeddings body on the deployment's route. */
export function embeddingsRequest(req: EmbeddingsRequest, target: ProviderTarget<AzureOptions>): UpstreamRequest {
  const up = openAIEmbeddingsRequest(req, target);
  return { path: azurePath(target, 'embeddings'), headers: azureHeaders(target.config), body: { ...(up.body as EmbeddingsRequest), model: deploymentFor(target) } };
}

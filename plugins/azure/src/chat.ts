import { chatRequest as openAIChatRequest, chatResponse as openAIChatResponse } from '@aisbf/plugin-openai';
import type { ChatRequest, ChatResponse, ProviderTarget, UpstreamRequest } from 'aisbf';
import { azureHeaders, azurePath, deploymentFor } from './routes.js';
import type { AzureOptions, AzureResponse } from './wire.js';

/**
 * The body is OpenAI's (the openai adapter builds it: usage asked for on
 * streams, `max_completion_tokens` for reasoning models); only the route,
 * the auth header and the `model` (the deployment, which the v1 route reads
 * and the classic route ignores) differ.
 */
export function chatRequest(req: ChatRequest, target: ProviderTarget<AzureOptions>): UpstreamRequest {
  const up = openAIChatRequest(req, target);
  return { path: azurePath(target, 'chat/completions'), headers: azureHeaders(target.config), body: { ...(up.body as ChatRequest), model: deploymentFor(target) } };
}

/** OpenAI's response, without Azure's filter annotations. A filtered completion keeps finish_reason "content_filter". */
export function chatResponse(body: unknown, target: ProviderTarget<AzureOptions>): ChatResponse {
  const { prompt_filter_results: _p, ...res } = openAIChatResponse(body, target) as AzureResponse;
  return {
    ...res,
    choices: res.choices.map((c) => {
      const { content_filter_results: _c, ...choice } = c as typeof c & { content_filter_results?: unknown };
      return choice;
    }),
  };
}

import type { ChatChunk, ChatResponse } from 'aisbf';
import type { OpenAIOptions } from '@aisbf/plugin-openai';

/**
 * Options of an `azure` provider entry, beside the common keys.
 *
 * @example { type: 'azure', resource: 'acme-eu', apiKey: '${AZURE_OPENAI_API_KEY}', deployment: { 'gpt-4o': 'gpt4o-prod' }, apiVersion: '2024-10-21' }
 */
export interface AzureOptions extends OpenAIOptions {
  /** The resource name: sets `baseURL` to `https://<resource>.openai.azure.com` when no baseURL is given. */
  resource?: string;
  /**
   * The deployment to call: one name for every model, or a map from model
   * name to deployment name (unmapped models use their own name). Setting it
   * selects the classic `/openai/deployments/<name>/…?api-version=` routes.
   */
  deployment?: string | Record<string, string>;
  /** `api-version` of the classic routes; default `2024-10-21` (GA). Setting it also selects them. */
  apiVersion?: string;
}

/** Azure's content-safety annotations, which OpenAI's shapes do not have. */
export interface AzureFilterFields {
  prompt_filter_results?: unknown;
  content_filter_results?: unknown;
}

export type AzureChunk = ChatChunk & AzureFilterFields;
export type AzureResponse = ChatResponse & AzureFilterFields;

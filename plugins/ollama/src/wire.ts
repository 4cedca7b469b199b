/**
 * Ollama's native wire types (`/api/chat`, `/api/embed`, `/api/tags`).
 * Only the fields the adapter reads or writes are typed.
 */

/**
 * Options of an `ollama` provider entry, beside the common keys.
 *
 * @example { type: 'ollama', baseURL: 'http://127.0.0.1:11434', numCtx: 8192, keepAlive: '10m', think: false }
 */
export interface OllamaOptions {
  type: string;
  baseURL?: string;
  /** Sent as `Authorization: Bearer` (Ollama behind a proxy, or Ollama's cloud); local servers need none. */
  apiKey?: string;
  /** `keep_alive`: how long the model stays loaded after a request, e.g. `"10m"` or seconds. */
  keepAlive?: string | number;
  /** `options.num_ctx`: the context window to load the model with. */
  numCtx?: number;
  /** `think`: reasoning on/off (or a level on models that take one). */
  think?: boolean | 'low' | 'medium' | 'high';
  [option: string]: unknown;
}

/** Tool-call arguments are a JSON object on Ollama, not a string. */
export interface OllamaToolCall {
  id?: string;
  function: { name: string; arguments: Record<string, unknown> | string; index?: number };
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  /** Always a plain string. */
  content: string;
  /** Raw base64, without a `data:` prefix. */
  images?: string[];
  tool_calls?: OllamaToolCall[];
  thinking?: string;
  /** On tool results: the function that produced it. */
  tool_name?: string;
  tool_call_id?: string;
}

export interface OllamaModelOptions {
  num_predict?: number;
  num_ctx?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
  stop?: string[];
  presence_penalty?: number;
  frequency_penalty?: number;
}

/** `POST /api/chat` body. */
export interface OllamaChatRequest {
  model: string;
  messages: OllamaMessage[];
  /** Ollama streams unless told otherwise, so it is always sent. */
  stream: boolean;
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: Record<string, unknown> } }>;
  /** `"json"` or a JSON Schema. */
  format?: 'json' | Record<string, unknown>;
  options?: OllamaModelOptions;
  keep_alive?: string | number;
  think?: boolean | string;
}

/**
 * One `/api/chat` object: the whole answer (`stream: false`), or one NDJSON
 * line of a stream, the last with `done: true` and the counts.
 */
export interface OllamaChatResponse {
  model?: string;
  created_at?: string;
  message?: { role?: string; content?: string; thinking?: string; tool_calls?: OllamaToolCall[] };
  done?: boolean;
  done_reason?: 'stop' | 'length' | 'load' | 'unload' | string;
  prompt_eval_count?: number;
  eval_count?: number;
  /** An error line (HTTP 200 mid-stream) or body. */
  error?: string | { message?: string };
}

/** `POST /api/embed` body. */
export interface OllamaEmbedRequest {
  model: string;
  input: string | string[];
  dimensions?: number;
  keep_alive?: string | number;
  options?: { num_ctx?: number };
}

export interface OllamaEmbedResponse {
  model?: string;
  embeddings?: number[][];
  prompt_eval_count?: number;
}

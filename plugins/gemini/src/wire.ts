/**
 * The Gemini (Generative Language API) shapes the adapter reads or writes, and
 * the options of a `gemini` provider entry.
 */
import type { ProviderConfig } from 'aisbf';

/**
 * Options of a `gemini` provider entry, flat beside the common keys.
 *
 * @example
 * providers: {
 *   gemini: {
 *     type: 'gemini', apiKey: '${GEMINI_API_KEY}',
 *     safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
 *     embeddingTaskType: 'RETRIEVAL_DOCUMENT',
 *   },
 * }
 */
export interface GeminiOptions extends ProviderConfig {
  /** Path segment after the base URL: `v1beta` (default) or `v1`. Ignored when `baseURL` already ends in a version. */
  apiVersion?: string;
  /** Sent as `safetySettings` on every chat request. */
  safetySettings?: Array<{ category: string; threshold: string }>;
  /**
   * How JSON Schemas (tool parameters, `response_format` json_schema) are sent:
   * `json-schema` (default) as `parametersJsonSchema`/`responseJsonSchema`, full JSON Schema;
   * `openapi` as `parameters`/`responseSchema`, with the keywords Gemini's OpenAPI subset rejects removed (older models).
   */
  schemaMode?: 'json-schema' | 'openapi';
  /**
   * Pass plain `https` image URLs as `fileData.fileUri` instead of refusing them.
   * Only for models that fetch external URLs themselves; the gateway never downloads.
   */
  passImageUrls?: boolean;
  /** `taskType` for embeddings, e.g. `RETRIEVAL_QUERY`, `SEMANTIC_SIMILARITY`. */
  embeddingTaskType?: string;
}

export interface InlineData { mimeType: string; data: string }
export interface FileData { fileUri: string; mimeType?: string }
export interface FunctionCall { name: string; args?: Record<string, unknown>; id?: string }
export interface FunctionResponse { name: string; response: Record<string, unknown>; id?: string }

/** One part of a content. Exactly one of the data fields is set. */
export interface Part {
  text?: string;
  /** True for a reasoning ("thought") text part. */
  thought?: boolean;
  inlineData?: InlineData;
  fileData?: FileData;
  functionCall?: FunctionCall;
  functionResponse?: FunctionResponse;
  /** Opaque; must be sent back unchanged with the functionCall part it came with (Gemini 3+). */
  thoughtSignature?: string;
}

export interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  parametersJsonSchema?: Record<string, unknown>;
}

export interface GenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  responseJsonSchema?: Record<string, unknown>;
}

/** The body of `:generateContent` and `:streamGenerateContent`. */
export interface GenerateContentRequest {
  contents: Content[];
  systemInstruction?: { parts: Part[] };
  tools?: Array<{ functionDeclarations: FunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } };
  generationConfig?: GenerationConfig;
  safetySettings?: Array<{ category: string; threshold: string }>;
}

export interface UsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  cachedContentTokenCount?: number;
  totalTokenCount?: number;
}

export interface Candidate {
  index?: number;
  content?: { role?: string; parts?: Part[] };
  finishReason?: string;
}

/** A `:generateContent` answer; every event of an `alt=sse` stream has the same shape. */
export interface GenerateContentResponse {
  candidates?: Candidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: UsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

/** `{ error: { code, message, status, details } }` (sometimes wrapped in a one-element array). */
export interface GeminiErrorBody {
  error: {
    code?: number;
    message?: string;
    status?: string;
    details?: Array<{ '@type'?: string; reason?: string; retryDelay?: string }>;
  };
}

export interface EmbedContentRequest {
  model?: string;
  content: { parts: Array<{ text: string }> };
  taskType?: string;
  outputDimensionality?: number;
}

export interface EmbedContentResponse { embedding: { values: number[] } }
export interface BatchEmbedContentsResponse { embeddings: Array<{ values: number[] }> }

/** `GET /v1beta/models`. */
export interface ModelsList {
  models?: Array<{ name: string; displayName?: string; supportedGenerationMethods?: string[] }>;
  nextPageToken?: string;
}

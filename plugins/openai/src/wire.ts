/**
 * OpenAI's own wire types where they differ from the canonical ones: the
 * canonical form *is* OpenAI's, so only the error shapes and options live here.
 */

/** `{ error: { message, type, param, code } }`; vLLM's newer builds send `code` as an integer. */
export interface OpenAIErrorEnvelope {
  error: { message?: string; type?: string | null; param?: string | null; code?: string | number | null };
}

/** Older vLLM builds: the error fields at the top level. */
export interface FlatErrorBody {
  object: 'error';
  message?: string;
  type?: string;
  param?: string | null;
  code?: string | number | null;
}

/** Options of an `openai` provider entry, beside the common keys. */
export interface OpenAIOptions {
  type: string;
  baseURL?: string;
  apiKey?: string;
  /** Sent as `OpenAI-Organization`. */
  organization?: string;
  /** Sent as `OpenAI-Project`. */
  project?: string;
  [option: string]: unknown;
}

/** The Acme Text API's own shapes (a small, made-up API that shows what an adapter does). */

/** `POST /generate` */
export interface AcmeRequest {
  system?: string;
  /** The conversation as `role: text` lines. */
  prompt: string;
  max_new_tokens?: number;
  temperature?: number;
  stream?: boolean;
}

export interface AcmeResponse {
  id: string;
  output: string;
  /** `eos`: the model finished; `length`: max_new_tokens reached. */
  stop: 'eos' | 'length';
  tokens: { in: number; out: number };
}

/** Stream events: `event: token` `{text}`, `event: done` `{stop, tokens}`, `event: error` `{message}`. */
export type AcmeEvent = { text: string } | { stop: AcmeResponse['stop']; tokens: AcmeResponse['tokens'] } | { message: string };

export interface AcmeOptions {
  type: string;
  baseURL?: string;
  apiKey?: string;
  [option: string]: unknown;
}

import type { Catalog, RequestFacts } from '@aisbf/plugin-catalog';
import type { Candidate } from 'aisbf';

/** How the cost policy guesses the output of a request whose length it cannot know. */
export interface OutputGuess {
  /** Expected output tokens per input token; default 0.5. */
  outputRatio: number;
  /** The guess is never below this; default 256. */
  minOutputTokens: number;
}

/** Expected output tokens: `outputRatio` × input (at least `minOutputTokens`), bounded by the client's `max_tokens`. */
export function expectedOutputTokens(req: RequestFacts, inputTokens: number, guess: OutputGuess): number {
  const typical = Math.max(guess.minOutputTokens, Math.ceil(inputTokens * guess.outputRatio));
  return req.maxTokens !== undefined ? Math.min(req.maxTokens, typical) : typical;
}

/**
 * Estimated USD cost of the request on a candidate, or `null` when its price
 * is unknown. Input is counted with the tokenizer; output as guessed.
 *
 * @example estimateCost(catalog, { provider: 'gpt', model: 'gpt-4o-mini' }, 1000, 256) // → 0.0003036
 */
export function estimateCost(catalog: Catalog, c: Candidate, inputTokens: number, outputTokens: number): number | null {
  const f = catalog.facts(c.provider, c.model);
  if (f.inputPerMTok === null || f.outputPerMTok === null) return null;
  return (inputTokens * f.inputPerMTok + outputTokens * f.outputPerMTok) / 1e6;
}

import type { Catalog, RequestFacts } from '@aisbf/plugin-catalog';
import type { Candidate } from 'aisbf';

/**
 * Why a candidate cannot serve a request, or `undefined` when it can. Only
 * declared capabilities count (a model config did not describe is assumed
 * capable); context windows and output caps count whenever they are known.
 *
 * @example unfit(catalog, { provider: 'local', model: 'llama3.1' }, facts) // → 'no vision' for an image request
 */
export function unfit(catalog: Catalog, c: Candidate, req: RequestFacts): string | undefined {
  const f = catalog.facts(c.provider, c.model);
  const declared = f.declaredCapabilities;
  if (req.embeddings) {
    if (declared.embeddings === false) return 'no embeddings';
  } else {
    if (req.images && declared.vision === false) return 'no vision';
    if (req.tools && declared.tools === false) return 'no tools';
    if (req.json && declared.json === false) return 'no json mode';
  }
  if (req.maxTokens !== undefined && f.maxOutput !== null && req.maxTokens > f.maxOutput) {
    return `max_tokens ${req.maxTokens} above its max output ${f.maxOutput}`;
  }
  if (f.contextWindow !== null) {
    const output = req.maxTokens ?? 0;
    // The byte bound settles almost every request without running the tokenizer.
    if (req.inputTokensAtMost + output > f.contextWindow) {
      const input = req.inputTokens();
      if (input + output > f.contextWindow) {
        return `${input} input${output ? ` + ${output} output` : ''} tokens exceed its context window of ${f.contextWindow}`;
      }
    }
  }
  return undefined;
}

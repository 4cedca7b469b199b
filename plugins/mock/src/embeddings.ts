import type { EmbeddingsRequest, EmbeddingsResponse } from 'aisbf';
import { estimateTokens, hash } from './text.js';

/** One deterministic unit vector per input: equal inputs give equal vectors. */
export function mockEmbeddings(req: EmbeddingsRequest, model: string, dimensions: number): EmbeddingsResponse {
  const inputs: string[] = typeof req.input === 'string' ? [req.input]
    : (req.input as unknown[]).map((x) => (Array.isArray(x) ? x.join(',') : String(x)));
  // An array of token ids is one input, not many.
  const items = Array.isArray(req.input) && typeof req.input[0] === 'number' ? [(req.input as number[]).join(',')] : inputs;
  const dims = req.dimensions ?? dimensions;
  const data = items.map((text, index) => {
    const v = Array.from({ length: dims }, (_, d) => (hash(text, d + 1) / 0xffffffff) * 2 - 1);
    const norm = Math.hypot(...v) || 1;
    return { object: 'embedding' as const, index, embedding: v.map((x) => Math.fround(x / norm)) };
  });
  const tokens = items.reduce((n, t) => n + estimateTokens(t), 0);
  return { object: 'list', model, data, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

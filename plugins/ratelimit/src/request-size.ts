import type { Catalog } from '@aisbf/plugin-catalog';
import type { Candidate, ChatRequest, RequestContext, ResolvedConfig } from 'aisbf';

/**
 * The candidates a request may end up on. At admission routing has not run
 * yet, so limits and budgets reserve against every candidate of the route
 * (or the one `provider/model` the client named) and take the worst.
 *
 * @example admissionCandidates(config, 'smart') // → [{ provider: 'claude', model: 'claude-sonnet-4-5' }, { provider: 'gpt', model: 'gpt-4o' }]
 */
export function admissionCandidates(config: ResolvedConfig, model: string): Candidate[] {
  const route = config.models[model];
  if (route) return route.candidates;
  const slash = model.indexOf('/');
  if (slash > 0 && slash < model.length - 1 && config.providers[model.slice(0, slash)]) {
    return [{ provider: model.slice(0, slash), model: model.slice(slash + 1) }];
  }
  return [];
}

/**
 * The most output tokens a request may produce on `candidate`: the request's
 * own `max_completion_tokens` / `max_tokens`, else the model's max output from
 * the catalogue, else `fallback`. Embeddings produce none.
 */
export function outputAllowance(ctx: RequestContext, catalog: Catalog, candidate: Candidate, fallback: number): number {
  if (ctx.kind !== 'chat') return 0;
  const req = ctx.body as ChatRequest;
  const asked = req.max_completion_tokens ?? req.max_tokens;
  if (typeof asked === 'number' && asked > 0) return Math.max(1, Math.floor(asked)) * Math.max(1, req.n ?? 1);
  return (catalog.facts(candidate.provider, candidate.model).maxOutput ?? fallback) * Math.max(1, req.n ?? 1);
}

import { AISBF_ERR_NO_ROUTE, type Candidate, type RequestContext } from 'aisbf';

/**
 * With `x-aisbf-explain: 1` on the request, core answers with each policy's
 * candidates in and out (`x-aisbf-explain`); the policies of this family add
 * why they removed what they removed and what they based the ranking on, in
 * this header (JSON: `[{ policy, removed, note }]`).
 */
export const EXPLAIN_NOTES_HEADER = 'x-aisbf-explain-notes';

/**
 * One policy's step in the routing trace. Steps are kept only when the
 * policy removed something or the client asked to explain (`in`/`out` are
 * filled only then).
 *
 * @example { policy: 'cost', in: ['gpt/gpt-4o', 'local/llama3.1'], out: ['local/llama3.1', 'gpt/gpt-4o'], removed: {} }
 */
export interface PolicyStep {
  policy: string;
  in: string[];
  out: string[];
  /** Removed candidates and why. */
  removed: Record<string, string>;
  /** What the policy based its decision on (a task class, a tier, estimated costs…). */
  note?: string;
}

/**
 * A policy's decision: the ranked subset, why each removed candidate went,
 * and an optional note for the trace.
 */
export interface Decision {
  ranked: Candidate[];
  reasons?: Map<Candidate, string>;
  note?: string;
}

const KEY = 'catalog:route-trace';

/** `provider/model`: how traces and messages name a candidate. */
export function candidateId(c: Candidate): string {
  return `${c.provider}/${c.model}`;
}

/** The steps recorded so far for this request. */
export function routeTrace(ctx: RequestContext): PolicyStep[] {
  let steps = ctx.locals[KEY] as PolicyStep[] | undefined;
  if (!steps) {
    steps = [];
    ctx.locals[KEY] = steps;
  }
  return steps;
}

function wantsExplain(ctx: RequestContext): boolean {
  return ctx.headers['x-aisbf-explain'] === '1';
}

/** Header values must be visible ASCII: escape anything else the JSON holds. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Records a policy's decision in the routing trace (its reasons sent back in
 * `x-aisbf-explain-notes` when the client asked to explain), and refuses an empty
 * result with a 503 that names this policy, why it removed each candidate,
 * and what earlier policies removed.
 *
 * @example select: (candidates, ctx) => settle('cost', ctx, candidates, rankByCost(candidates))
 */
export function settle(policy: string, ctx: RequestContext, input: Candidate[], decision: Decision): Candidate[] {
  const explain = wantsExplain(ctx);
  // The common case (nothing removed, nobody asking) records nothing: this runs for every policy of every request.
  const removed: Record<string, string> = {};
  let any = false;
  if (decision.ranked.length < input.length) {
    for (const c of input) {
      if (decision.ranked.includes(c)) continue;
      removed[candidateId(c)] = decision.reasons?.get(c) ?? 'removed';
      any = true;
    }
  }
  if (!any && !explain) return decision.ranked;
  const steps = routeTrace(ctx);
  steps.push({
    policy,
    in: explain ? input.map(candidateId) : [],
    out: explain ? decision.ranked.map(candidateId) : [],
    removed,
    ...(decision.note ? { note: decision.note } : {}),
  });
  if (explain) {
    ctx.setHeader(EXPLAIN_NOTES_HEADER, asciiJson(steps.map((s) => ({ policy: `route-${s.policy}`, removed: s.removed, ...(s.note ? { note: s.note } : {}) }))));
  }
  if (decision.ranked.length === 0 && input.length > 0) {
    const why = Object.entries(removed).map(([id, r]) => `${id} (${r})`).join(', ');
    const earlier = steps.slice(0, -1).filter((s) => Object.keys(s.removed).length > 0)
      .map((s) => `'${s.policy}' removed ${Object.entries(s.removed).map(([id, r]) => `${id} (${r})`).join(', ')}`);
    const err = AISBF_ERR_NO_ROUTE(ctx.model, `policy '${policy}' (route-${policy}) removed every candidate: ${why}.${earlier.length ? ` Before it, ${earlier.join('; ')}.` : ''}`);
    err.plugin = `route-${policy}`;
    err.stage = 'route';
    throw err;
  }
  return decision.ranked;
}

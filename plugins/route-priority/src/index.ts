import { settle } from '@aisbf/plugin-catalog';
import { definePolicy, type Candidate, type Plugin, type ResolvedConfig } from 'aisbf';

/**
 * Routing policy `priority`: the route's declared candidate order. It is what
 * a route does with no policies at all; naming it is useful after a policy
 * that filters (`['tier', 'priority']`) or to restore the declared order after
 * one that re-ranks.
 *
 * @example models: { smart: { candidates: ['claude/claude-sonnet-4-5', 'gpt/gpt-4o'], policies: ['tier', 'priority'] } }
 */
export default function priority(): Plugin {
  let routes: ResolvedConfig['models'] = {};
  return definePolicy({
    name: 'route-priority',
    options: { type: 'object', additionalProperties: false, properties: {} },
    setup(api) {
      routes = api.config.models;
    },
    select(candidates, ctx) {
      return settle('priority', ctx, candidates, { ranked: declaredOrder(candidates, routes[ctx.model]?.candidates) });
    },
  });
}

/**
 * `candidates` sorted by their position in `declared` (the route's list);
 * a candidate not found there keeps its relative place after the others.
 */
export function declaredOrder(candidates: Candidate[], declared: readonly Candidate[] | undefined): Candidate[] {
  if (!declared) return [...candidates];
  const at = (c: Candidate) => {
    const i = declared.indexOf(c);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  // Array.prototype.sort is stable, so equal positions keep the incoming order.
  return [...candidates].sort((a, b) => at(a) - at(b));
}

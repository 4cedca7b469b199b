import type { Candidate } from 'aisbf';
import type { Catalog } from './catalog.js';

/**
 * A tag and a candidate's own tags plus the catalogue's tags for its model, so
 * `tags` work whether they sit on the route's candidate or under the provider.
 *
 * @example candidateTags(catalog, { provider: 'local', model: 'llama3.1', tags: ['fast'] }) // → ['fast', 'cheap']
 */
export function candidateTags(catalog: Catalog, c: Candidate): string[] {
  const own = Array.isArray(c.tags) ? c.tags : [];
  const listed = catalog.facts(c.provider, c.model).tags;
  if (listed.length === 0) return own;
  if (own.length === 0) return listed;
  return [...new Set([...own, ...listed])];
}

/**
 * Whether a selector picks a candidate. Selectors are how config names
 * candidates in tier and task rules:
 * - `'cheap'` — a tag (tags never contain `/`);
 * - `'gpt/gpt-4o-mini'` — one provider model;
 * - `'gpt/*'` — every model of a provider.
 *
 * @example matchesSelector('local/*', { provider: 'local', model: 'llama3.1' }, []) // → true
 */
export function matchesSelector(selector: string, c: Candidate, tags: readonly string[]): boolean {
  const slash = selector.indexOf('/');
  if (slash === -1) return tags.includes(selector);
  if (selector.slice(0, slash) !== c.provider) return false;
  const model = selector.slice(slash + 1);
  return model === '*' || model === c.model;
}

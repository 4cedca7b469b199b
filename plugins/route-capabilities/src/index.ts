import { catalogFor, loadTokenizer, requestFacts, settle, type Catalog } from '@aisbf/plugin-catalog';
import { definePolicy, type Candidate, type Plugin } from 'aisbf';
import { unfit } from './fits.js';

export { unfit } from './fits.js';

/**
 * Routing policy `capabilities`, applied to every route: removes candidates
 * that cannot serve the request — images to a model declared without
 * `vision`, tools to one without `tools`, JSON mode to one without `json`,
 * embeddings to one without `embeddings`, a prompt (plus `max_tokens`) longer
 * than the context window, `max_tokens` above the model's max output. What it
 * knows comes from the catalogue (`providers.<id>.models` entries, catalog
 * overrides, list context windows); a model nobody described is assumed
 * capable.
 *
 * @example plugins: ['route-capabilities']   // presets load it; routes need not name it
 */
export default function capabilities(): Plugin {
  let catalog: Catalog | undefined;
  return definePolicy({
    name: 'route-capabilities',
    always: true,
    options: { type: 'object', additionalProperties: false, properties: {} },
    async setup(api) {
      catalog = catalogFor(api.config);
      await loadTokenizer();
    },
    select(candidates, ctx) {
      if (!catalog) throw new Error('route-capabilities: setup() has not run (the gateway calls it at start).');
      const facts = requestFacts(ctx);
      const reasons = new Map<Candidate, string>();
      const ranked: Candidate[] = [];
      for (const c of candidates) {
        const why = unfit(catalog, c, facts);
        if (why) reasons.set(c, why);
        else ranked.push(c);
      }
      return settle('capabilities', ctx, candidates, { ranked, reasons });
    },
  });
}

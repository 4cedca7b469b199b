import { definePlugin, type Plugin, type ResolvedConfig } from 'aisbf';
import { Catalog } from './catalog.js';
import type { ModelOverride } from './model-facts.js';

export { Catalog } from './catalog.js';
export { CAPABILITIES, type Capability, type ModelFacts, type ModelOverride } from './model-facts.js';
export { defaultQuality } from './quality.js';
export { estimateInputTokens, loadTokenizer, textTokens } from './tokens.js';
export { requestFacts, type RequestFacts } from './request-facts.js';
export { causeOf, requestOutcome, type RequestCause, type RequestOutcome } from './request-outcome.js';
export { candidateTags, matchesSelector } from './selectors.js';
export { settle, routeTrace, candidateId, EXPLAIN_NOTES_HEADER, type Decision, type PolicyStep } from './route-trace.js';

export interface CatalogOptions {
  /**
   * Facts per model, overriding the bundled catalogue: keys are `provider/model`
   * (one provider) or `model` (every provider serving it).
   */
  models?: Record<string, ModelOverride>;
}

interface CatalogPlugin extends Plugin {
  catalogOverrides: Record<string, ModelOverride>;
}

const built = new WeakMap<ResolvedConfig, Catalog>();

/**
 * The catalogue of a running gateway: built from the loaded `catalog`
 * plugin's overrides (or none) and the configured providers, once per config.
 * Plugins that price or size requests (routing, budgets, the ledger) call this
 * in their `setup`.
 *
 * @example setup(api) { catalog = catalogFor(api.config); }
 */
export function catalogFor(config: ResolvedConfig): Catalog {
  let c = built.get(config);
  if (!c) {
    const plugin = config.plugins.find((p) => p.name === 'catalog') as CatalogPlugin | undefined;
    c = new Catalog(config.providers, plugin?.catalogOverrides ?? {});
    built.set(config, c);
  }
  return c;
}

const override = {
  type: 'object',
  additionalProperties: false,
  properties: {
    inputPerMTok: { type: ['number', 'null'], minimum: 0 },
    outputPerMTok: { type: ['number', 'null'], minimum: 0 },
    cachedInputPerMTok: { type: ['number', 'null'], minimum: 0 },
    contextWindow: { type: ['integer', 'null'], minimum: 1 },
    maxOutput: { type: ['integer', 'null'], minimum: 1 },
    quality: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    tags: { type: 'array', items: { type: 'string' } },
    capabilities: {
      type: 'object',
      additionalProperties: false,
      properties: { tools: { type: 'boolean' }, vision: { type: 'boolean' }, json: { type: 'boolean' }, embeddings: { type: 'boolean' } },
    },
  },
};

/**
 * Model prices, context windows, capabilities and quality scores for the
 * other plugins, with config overrides. Loading it is optional: without it
 * `catalogFor` still reads the bundled catalogue and `providers.<id>.models`.
 *
 * @example plugins: [['catalog', { models: { 'local/llama3.1': { inputPerMTok: 0, outputPerMTok: 0, quality: 0.5, tags: ['cheap'] } } }]]
 */
export default function catalog(options: CatalogOptions = {}): Plugin {
  return definePlugin<CatalogPlugin>({
    name: 'catalog',
    options: { type: 'object', additionalProperties: false, properties: { models: { type: 'object', additionalProperties: override } } },
    catalogOverrides: options.models ?? {},
  });
}

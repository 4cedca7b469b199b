import { calcPrice } from '@pydantic/genai-prices';
import type { ProviderConfig, ProviderModelInfo, Usage } from 'aisbf';
import { entryToOverride, type ModelFacts, type ModelOverride } from './model-facts.js';
import { defaultQuality } from './quality.js';

/** Our adapter types → the price catalogue's provider ids. Self-hosted types have no list price. */
const PRICE_PROVIDER: Record<string, string | undefined> = {
  openai: 'openai', azure: 'azure', anthropic: 'anthropic', gemini: 'google', cohere: 'cohere',
};

const EMBEDDING = /embed/i;
/** Facts kept before the memo starts over. */
const MAX_KEPT = 10_000;
const VISION = /gpt-4o|gpt-4\.1|gpt-5|o[134]|claude-(3|sonnet|opus|haiku)|gemini|vision|llava|pixtral|command-a-vision/i;

/**
 * Model facts for the configured providers: list prices and context windows
 * from `@pydantic/genai-prices`, capabilities guessed from the model name,
 * rough quality scores for well-known families, then config on top, weakest
 * first: catalog overrides keyed `model`, the provider's `models` entries
 * (`providers.<id>.models: [{ id, price, quality, … }]`), catalog overrides
 * keyed `provider/model`. Facts are computed once per model and kept.
 *
 * @example
 * const c = new Catalog({ gpt: { type: 'openai' } });
 * c.facts('gpt', 'gpt-4o-mini').inputPerMTok // → 0.15
 */
export class Catalog {
  readonly #overrides: Record<string, ModelOverride>;
  readonly #providers: Record<string, ProviderConfig>;
  readonly #facts = new Map<string, ModelFacts>();

  constructor(providers: Record<string, ProviderConfig>, overrides: Record<string, ModelOverride> = {}) {
    this.#providers = providers;
    this.#overrides = overrides;
  }

  facts(provider: string, model: string): ModelFacts {
    const key = `${provider}/${model}`;
    let f = this.#facts.get(key);
    if (!f) {
      f = this.#build(provider, model);
      // Clients choose model names in direct `provider/model` requests: bound what they can make us keep.
      if (this.#facts.size >= MAX_KEPT) this.#facts.clear();
      this.#facts.set(key, f);
    }
    return f;
  }

  /**
   * USD cost of `usage` on a model, cached input tokens at their own rate;
   * `null` when the price is unknown.
   *
   * @example catalog.cost('gpt', 'gpt-4o-mini', { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 }) // → 0.00021
   */
  cost(provider: string, model: string, usage: Usage): number | null {
    const f = this.facts(provider, model);
    if (f.inputPerMTok === null || f.outputPerMTok === null) return null;
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    const cachedRate = f.cachedInputPerMTok ?? f.inputPerMTok;
    return ((usage.prompt_tokens - cached) * f.inputPerMTok + cached * cachedRate + usage.completion_tokens * f.outputPerMTok) / 1e6;
  }

  #build(provider: string, model: string): ModelFacts {
    const type = this.#providers[provider]?.type;
    const listed = listPrice(type, model);
    const entry = providerEntry(this.#providers[provider], model);
    const layers: ModelOverride[] = [this.#overrides[model] ?? {}, entry ? entryToOverride(entry) : {}, this.#overrides[`${provider}/${model}`] ?? {}];
    const o: ModelOverride = Object.assign({}, ...layers);
    // Capabilities merge key by key across layers: one layer may only say `vision: false`.
    const declared: ModelFacts['declaredCapabilities'] = Object.assign({}, ...layers.map((l) => l.capabilities ?? {}));
    const embeddings = declared.embeddings ?? EMBEDDING.test(model);
    return {
      provider,
      model,
      inputPerMTok: o.inputPerMTok !== undefined ? o.inputPerMTok : listed.input,
      outputPerMTok: o.outputPerMTok !== undefined ? o.outputPerMTok : listed.output ?? (embeddings && listed.input !== null ? 0 : null),
      cachedInputPerMTok: o.cachedInputPerMTok !== undefined ? o.cachedInputPerMTok : listed.cached,
      contextWindow: o.contextWindow !== undefined ? o.contextWindow : listed.contextWindow,
      maxOutput: o.maxOutput ?? null,
      capabilities: {
        tools: !embeddings,
        vision: !embeddings && VISION.test(model),
        json: !embeddings,
        embeddings,
        ...declared,
      },
      declaredCapabilities: declared,
      quality: o.quality !== undefined ? o.quality : defaultQuality(model),
      tags: o.tags ?? [],
    };
  }
}

/** The object entry describing `model` in a provider's `models` list, if any (plain strings carry no facts). */
function providerEntry(config: ProviderConfig | undefined, model: string): ProviderModelInfo | undefined {
  const list = config?.models;
  if (!Array.isArray(list)) return undefined;
  for (const e of list) if (typeof e === 'object' && e !== null && e.id === model) return e;
  return undefined;
}

interface ListPrice {
  input: number | null;
  output: number | null;
  cached: number | null;
  contextWindow: number | null;
}

/** Reads per-million rates off the catalogue by pricing one million tokens of each kind. */
function listPrice(type: string | undefined, model: string): ListPrice {
  const providerId = type ? PRICE_PROVIDER[type] : undefined;
  const none: ListPrice = { input: null, output: null, cached: null, contextWindow: null };
  if (!providerId) return none;
  const probe = (usage: Record<string, number>) => {
    try {
      return calcPrice(usage, model, { providerId });
    } catch {
      return null;
    }
  };
  const inRes = probe({ input_tokens: 1e6 });
  if (!inRes) return none;
  const outRes = probe({ output_tokens: 1e6 });
  const cachedRes = probe({ input_tokens: 1e6, cache_read_tokens: 1e6 });
  return {
    input: inRes.input_price,
    output: outRes?.output_price ?? null,
    cached: cachedRes?.input_price ?? null,
    contextWindow: inRes.model.context_window ?? null,
  };
}

import type { ProviderModelInfo } from 'aisbf';

/** What a model can take: the capability names config lists (`capabilities: ['tools', 'vision']`). */
export type Capability = 'tools' | 'vision' | 'json' | 'embeddings';

/** The capability names, in a fixed order. */
export const CAPABILITIES: readonly Capability[] = ['tools', 'vision', 'json', 'embeddings'];

/**
 * What the gateway knows about one model of one provider. Unknown numbers are
 * `null`, never 0: a price of 0 would make an unknown model look free.
 *
 * @example
 * { provider: 'gpt', model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075,
 *   contextWindow: 128000, maxOutput: 16384, capabilities: { tools: true, vision: true, json: true, embeddings: false },
 *   declaredCapabilities: {}, quality: 0.7, tags: ['cheap'] }
 */
export interface ModelFacts {
  /** Provider id (config key). */
  provider: string;
  /** Upstream model name. */
  model: string;
  /** USD per million input tokens. */
  inputPerMTok: number | null;
  /** USD per million output tokens. */
  outputPerMTok: number | null;
  /** USD per million cached input tokens. */
  cachedInputPerMTok: number | null;
  contextWindow: number | null;
  maxOutput: number | null;
  /** Best knowledge: declared capabilities, else a guess from the model name. */
  capabilities: Record<Capability, boolean>;
  /**
   * Only what config declared (a provider's `models` entry or a catalog
   * override). Filters trust these and nothing else: a model nobody described
   * is assumed capable rather than refused on a guess.
   */
  declaredCapabilities: Partial<Record<Capability, boolean>>;
  /** 0–1, higher is better; `null` when unknown. */
  quality: number | null;
  tags: string[];
}

/** Config overrides for one model: any subset of the facts. */
export type ModelOverride = Partial<Omit<ModelFacts, 'provider' | 'model' | 'capabilities' | 'declaredCapabilities'>> & {
  capabilities?: Partial<ModelFacts['capabilities']>;
};

/** A provider model entry as a catalog override. */
export function entryToOverride(entry: ProviderModelInfo): ModelOverride {
  const o: ModelOverride = {};
  if (entry.price?.input !== undefined) o.inputPerMTok = entry.price.input;
  if (entry.price?.output !== undefined) o.outputPerMTok = entry.price.output;
  if (entry.price?.cachedInput !== undefined) o.cachedInputPerMTok = entry.price.cachedInput;
  if (entry.quality !== undefined) o.quality = entry.quality;
  if (entry.contextWindow !== undefined) o.contextWindow = entry.contextWindow;
  if (entry.maxOutput !== undefined) o.maxOutput = entry.maxOutput;
  if (entry.tags) o.tags = entry.tags;
  if (entry.capabilities) {
    const listed = new Set(entry.capabilities);
    o.capabilities = Object.fromEntries(CAPABILITIES.map((c) => [c, listed.has(c)])) as Record<Capability, boolean>;
  }
  return o;
}

/**
 * What the gateway knows about one model of one provider. Unknown numbers are
 * `null`, never 0: a price of 0 would make an unknown model look free.
 *
 * @example
 * { provider: 'gpt', model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075,
 *   contextWindow: 128000, maxOutput: 16384, capabilities: { tools: true, vision: true, json: true, embeddings: false },
 *   quality: 0.7, tags: ['cheap'] }
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
  capabilities: { tools: boolean; vision: boolean; json: boolean; embeddings: boolean };
  /** 0–1, higher is better; `null` when unknown. */
  quality: number | null;
  tags: string[];
}

/** Config overrides for one model: any subset of the facts. */
export type ModelOverride = Partial<Omit<ModelFacts, 'provider' | 'model' | 'capabilities'>> & {
  capabilities?: Partial<ModelFacts['capabilities']>;
};

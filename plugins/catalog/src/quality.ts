/**
 * Rough default quality scores (0–1) for well-known model families, so that
 * `cost: { minQuality }` means something before anyone writes scores into
 * config. They are coarse on purpose: a config `quality` always wins, and an
 * unlisted model has no score (`null`). First match wins, so specific
 * patterns come before general ones.
 */
const QUALITY: ReadonlyArray<readonly [RegExp, number]> = [
  [/claude-(opus-4|4-opus|opus-4-\d)/i, 0.95],
  [/claude-(sonnet-4|4-sonnet|3-7-sonnet)/i, 0.9],
  [/claude-3-5-sonnet/i, 0.85],
  [/claude-(haiku-4|3-5-haiku)/i, 0.75],
  [/claude-3-haiku/i, 0.6],
  [/^gpt-5(-\d{4}|$|-chat)/i, 0.95],
  [/^gpt-5-mini/i, 0.85],
  [/^gpt-5-nano/i, 0.7],
  [/^gpt-4\.1-nano/i, 0.65],
  [/^gpt-4\.1-mini/i, 0.78],
  [/^gpt-4\.1/i, 0.88],
  [/^gpt-4o-mini/i, 0.72],
  [/^gpt-4o/i, 0.85],
  [/^o[34](-mini)?/i, 0.9],
  [/^gpt-3\.5/i, 0.5],
  [/gemini-2\.5-pro/i, 0.93],
  [/gemini-2\.5-flash-lite/i, 0.7],
  [/gemini-2\.5-flash/i, 0.82],
  [/gemini-2\.0-flash/i, 0.75],
  [/gemini-1\.5-pro/i, 0.8],
  [/gemini-1\.5-flash/i, 0.65],
  [/command-a/i, 0.8],
  [/command-r-plus/i, 0.72],
  [/command-r/i, 0.62],
];

/** The default quality score of a model by name, or `null` when unknown. */
export function defaultQuality(model: string): number | null {
  for (const [pattern, score] of QUALITY) if (pattern.test(model)) return score;
  return null;
}

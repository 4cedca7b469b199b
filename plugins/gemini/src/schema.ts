/**
 * Keywords Gemini's OpenAPI-subset `Schema` (the `parameters` and
 * `responseSchema` fields) rejects with a 400. Used only in `schemaMode:
 * 'openapi'`; the default mode sends full JSON Schema in the newer fields.
 */
const UNSUPPORTED = new Set(['$schema', '$id', '$comment', 'additionalProperties', 'strict', 'examples', 'const', 'patternProperties']);

/**
 * A JSON Schema → Gemini's OpenAPI subset: unsupported keywords removed and
 * `type: [T, 'null']` turned into `type: T, nullable: true`. `$ref` is not
 * inlined: use the default `json-schema` mode for schemas with references.
 *
 * @example toOpenApiSchema({ type: 'object', additionalProperties: false, properties: { a: { type: ['string', 'null'] } } })
 * // → { type: 'object', properties: { a: { type: 'string', nullable: true } } }
 */
export function toOpenApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApiSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (UNSUPPORTED.has(key)) continue;
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      if (types.length !== value.length) out.nullable = true;
      out.type = types.length === 1 ? types[0] : types;
      continue;
    }
    // Property names are data, not keywords: keep them, clean their schemas.
    out[key] = key === 'properties' && typeof value === 'object' && value !== null
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toOpenApiSchema(v)]))
      : toOpenApiSchema(value);
  }
  return out;
}

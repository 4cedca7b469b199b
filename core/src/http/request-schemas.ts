import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { AISBF_ERR_INVALID_REQUEST } from '../errors.js';

/**
 * JSON Schemas of the client-facing request bodies. They check what the
 * gateway itself relies on (types and ranges of the fields it reads); unknown
 * fields pass through to OpenAI-compatible upstreams.
 */
const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
    content: {
      anyOf: [
        { type: 'string' },
        { type: 'null' },
        { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } },
      ],
    },
    name: { type: 'string' },
    tool_call_id: { type: 'string' },
    tool_calls: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'function'],
        properties: {
          id: { type: 'string' },
          function: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, arguments: { type: 'string' } } },
        },
      },
    },
  },
} as const;

const nullableNumber = (min?: number, max?: number) => ({
  type: ['number', 'null'], ...(min === undefined ? {} : { minimum: min }), ...(max === undefined ? {} : { maximum: max }),
});
const nullableInt = (min: number, max?: number) => ({ type: ['integer', 'null'], minimum: min, ...(max === undefined ? {} : { maximum: max }) });

export const chatRequestSchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    messages: { type: 'array', minItems: 1, items: message },
    stream: { type: ['boolean', 'null'] },
    stream_options: { type: ['object', 'null'], properties: { include_usage: { type: 'boolean' } } },
    temperature: nullableNumber(0, 2),
    top_p: nullableNumber(0, 1),
    n: nullableInt(1, 128),
    max_tokens: nullableInt(1),
    max_completion_tokens: nullableInt(1),
    presence_penalty: nullableNumber(-2, 2),
    frequency_penalty: nullableNumber(-2, 2),
    seed: { type: ['integer', 'null'] },
    stop: { anyOf: [{ type: 'string' }, { type: 'null' }, { type: 'array', maxItems: 4, items: { type: 'string' } }] },
    user: { type: 'string' },
    tools: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'function'],
        properties: {
          type: { const: 'function' },
          function: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, parameters: { type: 'object' } } },
        },
      },
    },
    tool_choice: {
      anyOf: [
        { enum: ['none', 'auto', 'required'] },
        { type: 'object', required: ['type', 'function'], properties: { function: { type: 'object', required: ['name'] } } },
      ],
    },
    parallel_tool_calls: { type: 'boolean' },
    response_format: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['text', 'json_object', 'json_schema'] } },
    },
  },
} as const;

export const embeddingsRequestSchema = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1 },
    input: {
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, items: { type: 'string' } },
        { type: 'array', minItems: 1, items: { type: 'integer' } },
        { type: 'array', minItems: 1, items: { type: 'array', items: { type: 'integer' } } },
      ],
    },
    encoding_format: { enum: ['float', 'base64'] },
    dimensions: { type: 'integer', minimum: 1 },
    user: { type: 'string' },
  },
} as const;

/** `/messages/0/role` → `messages[0].role` (OpenAI's `param` style). */
function paramOf(e: ErrorObject): string | null {
  const parts = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') parts.push(String((e.params as { missingProperty: string }).missingProperty));
  if (parts.length === 0) return null;
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function describe(e: ErrorObject, param: string | null): string {
  if (e.keyword === 'required') return `Missing required parameter: '${param}'.`;
  if (e.keyword === 'type' && param === null) return 'The request body must be a JSON object.';
  if (e.keyword === 'anyOf') return `Invalid value for '${param}': it has the wrong type or shape.`;
  return `Invalid value for '${param}': ${e.message}.`;
}

/** A compiled validator that throws a 400 naming the offending `param`. Compile once, at start. */
export function compileValidator<T>(schema: object): (body: unknown) => T {
  const ajv = new Ajv({ allErrors: false, strict: false });
  const validate: ValidateFunction = ajv.compile(schema);
  return (body: unknown) => {
    if (validate(body)) return body as T;
    const e = validate.errors![0];
    const param = paramOf(e);
    throw AISBF_ERR_INVALID_REQUEST(describe(e, param), param);
  };
}

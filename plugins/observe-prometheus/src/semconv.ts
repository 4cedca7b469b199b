/**
 * OpenTelemetry GenAI semantic-convention names, in their Prometheus form
 * (dots become underscores; a unit suffix is added where the spec gives one
 * in seconds). Written out here because `@opentelemetry/semantic-conventions`
 * is not a dependency; names from the GenAI spec
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/).
 */

/** Histogram `gen_ai.client.token.usage` (unit `{token}`). */
export const GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai_client_token_usage';
/** Histogram `gen_ai.server.request.duration` (unit `s`). */
export const GEN_AI_SERVER_REQUEST_DURATION = 'gen_ai_server_request_duration_seconds';
/** Histogram `gen_ai.server.time_to_first_token` (unit `s`). */
export const GEN_AI_SERVER_TIME_TO_FIRST_TOKEN = 'gen_ai_server_time_to_first_token_seconds';

/** Attribute `gen_ai.operation.name`: `chat` or `embeddings`. */
export const ATTR_OPERATION = 'gen_ai_operation_name';
/** Attribute `gen_ai.request.model`: the model the client asked for (our public name). */
export const ATTR_REQUEST_MODEL = 'gen_ai_request_model';
/** Attribute `gen_ai.response.model`: the upstream model that answered. */
export const ATTR_RESPONSE_MODEL = 'gen_ai_response_model';
/** Attribute `gen_ai.provider.name`: here the provider id from the config. */
export const ATTR_PROVIDER = 'gen_ai_provider_name';
/** Attribute `gen_ai.token.type`: `input` or `output`. */
export const ATTR_TOKEN_TYPE = 'gen_ai_token_type';
/** Attribute `error.type`: set only when the request failed. */
export const ATTR_ERROR_TYPE = 'error_type';

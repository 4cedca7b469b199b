/**
 * aisbf: a self-hosted AI gateway and plugin framework.
 *
 * The public API: the define* helpers for configs and plugins, the canonical
 * (OpenAI) types, the error catalogue, and the building blocks adapters use.
 */
export * from './canonical.js';
export type { AttemptRecord, Candidate, Principal, RequestContext, RequestKind } from './context.js';
export type * from './plugin.js';
export { modelId } from './plugin.js';
export * from './errors.js';
export { definePlugin, defineProvider, definePolicy, type PolicyDefinition } from './define.js';
export { defineConfig, definePreset } from './config/types.js';
export type {
  ModelRouteConfig, PluginEntry, PluginFactory, PolicyEntry, Preset, PresetEntry, ResolvedConfig, ResolvedRoute, ServerConfig, StateConfig, UserConfig,
} from './config/types.js';
export { loadConfigFile, CONFIG_FILES } from './config/load.js';
export { resolveConfig, DEFAULT_PORT } from './config/resolve.js';
export { createGateway, listModels, type Gateway, type GatewayOptions } from './gateway.js';
export { STAGE_NAMES, type StageName, type Stages } from './stages.js';
export { gcra, type SharedState, type SharedStateOptions, type RateLimitResult } from './state/shared-state.js';
export { MemoryState } from './state/memory-state.js';
export { SseParser, type SseMessage } from './upstream/sse-parser.js';
export { NdjsonParser } from './upstream/ndjson-parser.js';
export { assembleChunks, responseToChunks, isFirstToken, floatsToBase64 } from './stream/chunks.js';
export { createLogger, REDACT_PATHS, type Logger } from './logger.js';
export { readJsonBody } from './http/read-body.js';
export { ByteWriter } from './bytes/byte-writer.js';
export { packageNames } from './plugins/plugin-names.js';
export { discoverInstalled, type InstalledPlugin } from './plugins/discover.js';

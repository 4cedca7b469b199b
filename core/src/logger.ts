import { pino, type Logger as PinoLogger } from 'pino';

/** The logger plugins receive (pino). Log objects first: `logger.warn({ provider }, 'message')`. */
export type Logger = PinoLogger;

/**
 * Paths redacted from every log line, wherever a plugin logs a request or a
 * config: secrets must never reach a log.
 */
export const REDACT_PATHS = [
  'authorization', 'headers.authorization', 'req.headers.authorization',
  '["x-api-key"]', 'headers["x-api-key"]', 'req.headers["x-api-key"]',
  'apiKey', '*.apiKey', 'providers.*.apiKey', 'key', 'adminKey',
];

/**
 * The gateway's logger: JSON lines on stdout, level from `AISBF_LOG_LEVEL`
 * (default `info`; `silent` in tests unless set).
 */
export function createLogger(level = process.env.AISBF_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'aisbf', level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

/**
 * `aisbf/worker`: what a plugin's worker thread imports (kept apart from the
 * main entry, so a worker does not load the HTTP stack).
 */
export { serveBatches, type BatchHandlers } from './serve-batches.js';

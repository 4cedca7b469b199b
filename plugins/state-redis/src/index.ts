import { createLogger, definePlugin, type Plugin } from 'aisbf';
import { RedisState, type RedisStateOptions } from './redis-state.js';

export { RedisState, redisUnavailable, type RedisStateOptions } from './redis-state.js';

/**
 * The Redis backend of shared state: every plugin's limits, budgets,
 * breakers, latency stats and cache entries are shared by all gateway nodes
 * that point at the same Redis. Selected by config, no code change:
 *
 * @example state: { backend: 'redis', url: '${REDIS_URL}', prefix: 'aisbf:prod:' }
 */
export default function stateRedis(): Plugin {
  return definePlugin({
    name: 'state-redis',
    state: {
      backend: 'redis',
      create: (options) => RedisState.connect(options as RedisStateOptions, createLogger().child({ plugin: 'state-redis' })),
    },
  });
}

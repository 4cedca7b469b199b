/**
 * Test helpers for aisbf and its plugins: start a gateway on a free port,
 * fake upstreams on real loopback sockets, and service checks that make a
 * missing Redis or PostgreSQL pending locally and a failure under CI.
 */
export { startGateway, type TestGateway } from './start-gateway.js';
export {
  startLoopbackServer, sendJson, sendEvent, startSse, type LoopbackServer, type LoopbackHandler, type RecordedRequest,
} from './loopback-server.js';
export { startFakeOpenAI, type FakeOpenAIOptions } from './fake-openai.js';
export { requireService, serviceUrl, type ServiceName } from './services.js';
export { spawnGateway, type SpawnedGateway } from './spawn-gateway.js';
export { startScriptedUpstream, type ScriptedAnswer, type ScriptedUpstream } from './scripted-upstream.js';
export { goldenCases, feed, expectLike, type GoldenCase, type GoldenSuite } from './golden-runner.js';

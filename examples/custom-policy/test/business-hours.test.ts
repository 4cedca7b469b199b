import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from 'aisbf/testing';
import businessHours from '../src/index.js';

// Wednesday 2026-01-07: 10:00 and 22:00 in Paris (UTC+1 in winter).
const MORNING = new Date('2026-01-07T09:00:00Z');
const NIGHT = new Date('2026-01-07T21:00:00Z');

async function servedAt(now: Date, headers: Record<string, string> = {}): Promise<string | null> {
  const gw: TestGateway = await startGateway({
    plugins: [businessHours({ timeZone: 'Europe/Paris', now: () => now })],
    providers: { p: { type: 'mock' } },
    models: {
      assistant: {
        candidates: [{ provider: 'p', model: 'small', tags: ['cheap'] }, { provider: 'p', model: 'large', tags: ['premium'] }],
        policies: [['business-hours', { alwaysPremium: ['acme'] }]],
      },
    },
  });
  try {
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0, defaultHeaders: headers });
    const { response } = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    return response.headers.get('x-aisbf-model');
  } finally {
    await gw.close();
  }
}

describe('example: custom routing policy (business hours)', () => {
  it('sends daytime traffic to the premium model', async () => {
    assert.equal(await servedAt(MORNING), 'large');
  });
  it('sends night traffic to the cheap model', async () => {
    assert.equal(await servedAt(NIGHT), 'small');
  });
  it('keeps premium for listed customers at night', async () => {
    assert.equal(await servedAt(NIGHT, { 'x-customer': 'acme' }), 'large');
  });
  it('rejects bad per-route options at load, naming the key and the plugin', async () => {
    await assert.rejects(
      startGateway({
        plugins: [businessHours()],
        providers: { p: { type: 'mock' } },
        models: { a: { candidates: ['p/x'], policies: [['business-hours', { open: 'early' }]] } },
      }),
      /models\.a\.policies\[0\]\[1\]\.open must be integer \(plugin 'route-business-hours'\)/,
    );
  });
});

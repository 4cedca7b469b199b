import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { Candidate, Plugin } from 'aisbf';
import { startGateway, type TestGateway } from 'aisbf/testing';
import { configWith, neverInvents, routeContext } from '@aisbf/plugin-catalog/testing';
import capabilities from '@aisbf/plugin-route-capabilities';

const providers = {
  gpt: { type: 'openai', apiKey: 'k' },
  local: {
    type: 'mock',
    models: [
      { id: 'text-only', capabilities: ['json'] as Array<'json'>, contextWindow: 1000, maxOutput: 200 },
      { id: 'seer', capabilities: ['vision', 'tools', 'json'] as Array<'vision' | 'tools' | 'json'> },
      { id: 'embedder', capabilities: ['embeddings'] as Array<'embeddings'> },
    ],
  },
};
const image = { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA' } };

describe('route-capabilities', () => {
  let plugin: Plugin;
  const textOnly: Candidate = { provider: 'local', model: 'text-only' };
  const seer: Candidate = { provider: 'local', model: 'seer' };
  const embedder: Candidate = { provider: 'local', model: 'embedder' };
  const undescribed: Candidate = { provider: 'local', model: 'whatever-7b' };
  const gpt35: Candidate = { provider: 'gpt', model: 'gpt-3.5-turbo' };
  const all = [textOnly, seer, embedder, undescribed, gpt35];

  before(async () => {
    plugin = capabilities();
    await plugin.setup!({ config: configWith(providers) } as never);
  });
  const select = (body: Parameters<typeof routeContext>[0], cands = all) => plugin.route!.select(cands, routeContext(body), undefined);

  it('is an always-on policy', () => {
    assert.equal(plugin.route!.always, true);
  });

  it('sends images only to models not declared without vision; undescribed models are assumed capable', async () => {
    const out = await select({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is it?' }, image] }] });
    assert.deepEqual(out, [seer, undescribed, gpt35], 'gpt-3.5 has no declared capabilities: its name is not evidence');
  });

  it('sends tools only to models with tools, JSON mode to models with json', async () => {
    assert.deepEqual(await select({ tools: [{ type: 'function', function: { name: 'f' } }] }), [seer, undescribed, gpt35]);
    assert.deepEqual(await select({ response_format: { type: 'json_object' } }), [textOnly, seer, undescribed, gpt35]);
  });

  it('sends embeddings only to models declared with embeddings (or undescribed)', async () => {
    const out = await plugin.route!.select(all, routeContext({ model: 'e', input: 'hello' }), undefined);
    assert.deepEqual(out, [embedder, undescribed, gpt35]);
  });

  it('removes a model whose context window the prompt (plus max_tokens) exceeds, or whose max output is too small', async () => {
    const long = 'lorem ipsum dolor sit amet '.repeat(300); // ~1,500 tokens
    assert.deepEqual(await select({ messages: [{ role: 'user', content: long }] }, [textOnly, gpt35]), [gpt35]);
    assert.deepEqual(await select({ messages: [{ role: 'user', content: 'short' }] }, [textOnly, gpt35]), [textOnly, gpt35]);
    assert.deepEqual(await select({ messages: [{ role: 'user', content: 'short' }], max_tokens: 900 }, [textOnly, gpt35]), [gpt35]);
    const huge = 'token '.repeat(20_000); // over gpt-3.5-turbo's 16k window in the list catalogue
    assert.deepEqual(await select({ messages: [{ role: 'user', content: huge }] }, [gpt35, undescribed]), [undescribed]);
  });

  it('an emptied route is a 503 naming capabilities and the missing capability', async () => {
    await assert.rejects(
      Promise.resolve().then(() => select({ messages: [{ role: 'user', content: [image] }] }, [textOnly, embedder])),
      (err: { status: number; message: string }) => {
        assert.equal(err.status, 503);
        assert.match(err.message, /policy 'capabilities'.*local\/text-only \(no vision\).*local\/embedder \(no vision\)/);
        return true;
      },
    );
  });

  it('never invents a candidate (property test)', async () => {
    await neverInvents(plugin, { seed: 4 });
  });

  describe('end to end', () => {
    let gw: TestGateway;
    let client: OpenAI;
    before(async () => {
      gw = await startGateway({
        plugins: [capabilities()],
        providers: {
          blind: { type: 'mock', models: [{ id: 'text-1', capabilities: ['tools', 'json'] }] },
          eyes: { type: 'mock', models: [{ id: 'vision-1', capabilities: ['tools', 'json', 'vision'] }] },
        },
        models: { chat: { candidates: ['blind/text-1', 'eyes/vision-1'] } },
      });
      client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    });
    after(async () => {
      await gw?.close();
    });

    it('applies to a route that names no policy: text goes first-declared, an image goes to the vision model', async () => {
      const text = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      assert.equal(text.response.headers.get('x-aisbf-provider'), 'blind');
      const pic = await client.chat.completions
        .create({ model: 'chat', messages: [{ role: 'user', content: [{ type: 'text', text: 'what is it?' }, image] }] })
        .withResponse();
      assert.equal(pic.response.headers.get('x-aisbf-provider'), 'eyes');
    });
  });
});

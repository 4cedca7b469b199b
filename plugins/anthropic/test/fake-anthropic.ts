/**
 * A loopback fake of Anthropic's Messages API. The scenario is picked by the
 * last user text of the request (`rate-limit`, `overloaded`, `tools`, …), so
 * one server serves every end-to-end case.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, startLoopbackServer, startSse, type LoopbackServer, type RecordedRequest } from 'aisbf/testing';

interface Block { type: string; text?: string; tool_use_id?: string }
interface Body { stream?: boolean; thinking?: unknown; messages: Array<{ role: string; content: Block[] }> }

const USAGE = { input_tokens: 20, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 80 };

function lastUserText(body: Body): string {
  const last = body.messages.at(-1);
  const texts = (last?.content ?? []).filter((b) => b.type === 'text').map((b) => b.text);
  return texts.at(-1) ?? (last?.content.some((b) => b.type === 'tool_result') ? 'tool-results' : '');
}

function error(type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: 'req_fake' };
}

/** Writes SSE text in small pieces, so event lines and UTF-8 characters reach the gateway split. */
async function writeSplit(res: ServerResponse, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += 5) {
    res.write(bytes.subarray(i, i + 5));
    if (i % 100 === 0) await new Promise((r) => setImmediate(r));
  }
}

function frame(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

const START = frame('message_start', {
  message: { id: 'msg_e2e', type: 'message', role: 'assistant', model: 'claude-fake', content: [], stop_reason: null, usage: USAGE },
});
const stop = (reason: string, output: number) =>
  frame('message_delta', { delta: { stop_reason: reason, stop_sequence: null }, usage: { output_tokens: output } }) + frame('message_stop', {});

function streamText(text: string): string {
  return START
    + frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
    + frame('ping', {})
    + [...text].map((ch) => frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text: ch } })).join('')
    + frame('content_block_stop', { index: 0 })
    + stop('end_turn', 7);
}

/** Text, then two tool_use blocks (content-block indices 1 and 2) whose JSON arrives in uneven fragments. */
function streamTools(): string {
  const call = (index: number, id: string, pieces: string[]) =>
    frame('content_block_start', { index, content_block: { type: 'tool_use', id, name: 'weather', input: {} } })
    + pieces.map((p) => frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: p } })).join('')
    + frame('content_block_stop', { index });
  return START
    + frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
    + frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Let me check.' } })
    + frame('content_block_stop', { index: 0 })
    + call(1, 'toolu_a', ['', '{"city": "Bergen', '", "unit": "°C"', '}'])
    + call(2, 'toolu_b', ['{"ci', 'ty":"Tromsø"}'])
    + stop('tool_use', 30);
}

/** A redacted thinking block, a thinking block in two deltas and its signature, then text. */
function streamThinking(): string {
  return START
    + frame('content_block_start', { index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgBredacted' } })
    + frame('content_block_stop', { index: 0 })
    + frame('content_block_start', { index: 1, content_block: { type: 'thinking', thinking: '' } })
    + frame('content_block_delta', { index: 1, delta: { type: 'thinking_delta', thinking: 'Short ' } })
    + frame('content_block_delta', { index: 1, delta: { type: 'thinking_delta', thinking: 'answer.' } })
    + frame('content_block_delta', { index: 1, delta: { type: 'signature_delta', signature: 'EqQBstream-signature' } })
    + frame('content_block_stop', { index: 1 })
    + frame('content_block_start', { index: 2, content_block: { type: 'text', text: '' } })
    + frame('content_block_delta', { index: 2, delta: { type: 'text_delta', text: 'Yes.' } })
    + frame('content_block_stop', { index: 2 })
    + stop('end_turn', 12);
}

async function handle(req: RecordedRequest, res: ServerResponse): Promise<void> {
  if (req.url !== '/v1/messages' || req.headers['x-api-key'] !== 'k' || req.headers['anthropic-version'] !== '2023-06-01') {
    sendJson(res, 404, error('not_found_error', `unexpected ${req.method} ${req.url} or headers`));
    return;
  }
  const body = req.body as Body;
  // As the real API does with extended thinking on: an assistant turn that calls tools must start with its thinking.
  const unthought = body.thinking ? body.messages.find((m) => m.role === 'assistant' && m.content.some((b) => b.type === 'tool_use') && !/thinking$/.test(m.content[0]?.type ?? '')) : undefined;
  if (unthought) {
    return sendJson(res, 400, error('invalid_request_error', `messages: Expected \`thinking\` or \`redacted_thinking\`, but found \`${unthought.content[0].type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`));
  }
  const scenario = lastUserText(body);
  switch (scenario) {
    case 'rate-limit':
      return sendJson(res, 429, error('rate_limit_error', 'Number of requests has exceeded your rate limit'), { 'retry-after': '17' });
    case 'overloaded':
      return sendJson(res, 529, error('overloaded_error', 'Overloaded'));
    case 'too-long':
      return sendJson(res, 400, error('invalid_request_error', 'prompt is too long: 250000 tokens > 200000 maximum'));
    case 'think-tools':
      return sendJson(res, 200, {
        id: 'msg_t', type: 'message', role: 'assistant', model: 'claude-fake', stop_reason: 'tool_use', usage: USAGE,
        content: [
          { type: 'thinking', thinking: 'Bergen needs a lookup.', signature: 'EqQBfake-signature' },
          { type: 'tool_use', id: 'toolu_t', name: 'weather', input: { city: 'Bergen' } },
        ],
      });
    case 'refuse':
      return sendJson(res, 200, { id: 'msg_r', type: 'message', role: 'assistant', model: 'claude-fake', content: [], stop_reason: 'refusal', usage: USAGE });
    default:
  }
  if (!body.stream) {
    const content = scenario === 'tool-results'
      ? [{ type: 'text', text: 'Bergen 7°C, Tromsø -2°C.' }]
      : [{ type: 'text', text: `You said: ${scenario}` }];
    sendJson(res, 200, { id: 'msg_json', type: 'message', role: 'assistant', model: 'claude-fake', content, stop_reason: 'end_turn', usage: { ...USAGE, output_tokens: 9 } });
    return;
  }
  startSse(res);
  if (scenario === 'overloaded-in-stream') {
    await writeSplit(res, START + frame('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }));
  } else if (scenario === 'fail-after-text') {
    await writeSplit(res, START
      + frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
      + frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Half' } })
      + frame('error', { error: { type: 'api_error', message: 'Internal server error' } }));
  } else if (scenario === 'tools') {
    await writeSplit(res, streamTools());
  } else if (scenario === 'think-stream') {
    await writeSplit(res, streamThinking());
  } else {
    await writeSplit(res, streamText('Héllo wörld 🙂'));
  }
  res.end();
}

export function startFakeAnthropic(): Promise<LoopbackServer> {
  return startLoopbackServer(handle);
}

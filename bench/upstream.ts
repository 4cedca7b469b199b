// A fast fake OpenAI upstream for the bench: fixed answers, no bookkeeping
// (the test fakes record every request, which would grow memory under load).
import { createServer } from 'node:http';

const reply = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1767225600, model: 'bench-1',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the bench upstream.' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
});
const chunk = (delta: object, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1767225600, model: 'bench-1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const stream = chunk({ role: 'assistant', content: '' }, null) + ['Hello ', 'from ', 'the ', 'bench.'].map((t) => chunk({ content: t }, null)).join('')
  + chunk({}, 'stop') + `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1767225600, model: 'bench-1', choices: [], usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } })}\n\ndata: [DONE]\n\n`;

// Anthropic's Messages API answer, for the translation row.
const anthropic = JSON.stringify({
  id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-bench',
  content: [{ type: 'text', text: 'Hello from the bench upstream.' }],
  stop_reason: 'end_turn', stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
});

// `--stall-every N --stall-ms M`: every Nth request waits M ms before answering (a randomly slow provider, repeatable).
const arg = (name: string) => Number(process.argv[process.argv.indexOf(name) + 1] || 0);
const stallEvery = process.argv.includes('--stall-every') ? arg('--stall-every') : 0;
const stallMs = process.argv.includes('--stall-ms') ? arg('--stall-ms') : 0;
let served = 0;

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    if (req.url?.endsWith('/messages')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(anthropic) });
      res.end(anthropic);
      return;
    }
    const isStream = Buffer.concat(parts).includes('"stream":true');
    served++;
    if (stallEvery && served % stallEvery === 0) {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
        res.end(reply);
      }, stallMs);
      return;
    }
    if (isStream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(stream);
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
      res.end(reply);
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  console.log(`listening on http://127.0.0.1:${addr.port}`);
});

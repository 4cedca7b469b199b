// A bare Koa + @koa/router JSON endpoint — it reads and parses the JSON body,
// as any JSON API must, and answers a fixed completion: the ceiling for
// anything served from the gateway's own memory (cache hits), measured in
// the same run.
import Router from '@koa/router';
import Koa from 'koa';

const body = { id: 'chatcmpl-bench', object: 'chat.completion', created: 1767225600, model: 'bench-1', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from Koa.' }, finish_reason: 'stop' }] };
const app = new Koa();
const router = new Router();
router.post('/v1/chat/completions', async (ctx) => {
  const parts: Buffer[] = [];
  for await (const chunk of ctx.req) parts.push(chunk as Buffer);
  JSON.parse(Buffer.concat(parts).toString('utf8'));
  ctx.body = body;
});
app.use(router.routes());
const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  console.log(`listening on http://127.0.0.1:${addr.port}`);
});
server.keepAliveTimeout = 65_000;

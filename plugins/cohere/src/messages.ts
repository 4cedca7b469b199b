import { AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, type ChatMessage, type ContentPart } from 'aisbf';
import type { CohereContentPart, CohereMessage } from './wire.js';

/**
 * OpenAI messages → Cohere v2 messages. The shapes are close: `developer`
 * becomes `system`, user parts keep their OpenAI form (Cohere v2 takes
 * `image_url` parts, data URLs and https alike), and an assistant's text
 * beside its tool calls travels as `tool_plan`, where Cohere expects the
 * model's reasoning about the calls it makes.
 */
export function toCohereMessages(messages: ChatMessage[]): CohereMessage[] {
  const out: CohereMessage[] = [];
  messages.forEach((m, i) => {
    const param = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer':
        out.push({ role: 'system', content: textOnly(m.content, param) });
        break;
      case 'user':
        out.push({ role: 'user', content: userContent(m.content, param) });
        break;
      case 'assistant': {
        const text = textOnly(m.content, param);
        if (m.tool_calls?.length) {
          const msg: CohereMessage = {
            role: 'assistant',
            tool_calls: m.tool_calls.map((t) => ({
              id: t.id, type: 'function', function: { name: t.function.name, arguments: t.function.arguments || '{}' },
            })),
          };
          if (text) msg.tool_plan = text;
          out.push(msg);
        } else if (text) {
          out.push({ role: 'assistant', content: text });
        }
        // An assistant turn with neither text nor calls says nothing; Cohere refuses empty turns.
        break;
      }
      case 'tool':
        if (!m.tool_call_id) throw AISBF_ERR_INVALID_REQUEST(`${param}.tool_call_id is required on a tool message.`, `${param}.tool_call_id`);
        out.push({ role: 'tool', tool_call_id: m.tool_call_id, content: textOnly(m.content, param) });
        break;
      default:
        throw AISBF_ERR_UNSUPPORTED(
          `Cohere does not take '${m.role}' messages; send tool results as role 'tool' with a tool_call_id.`, `${param}.role`,
        );
    }
  });
  return out;
}

/** Text of a message whose content may only be text (system, assistant, tool). */
function textOnly(content: ChatMessage['content'], param: string): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p, j) => {
    if (p.type === 'text') return p.text;
    // Assistant history may carry refusals as parts; they are text to the model.
    if ((p as { type: string }).type === 'refusal') return String((p as { refusal?: unknown }).refusal ?? '');
    throw AISBF_ERR_UNSUPPORTED(`Cohere takes only text in this message; part '${p.type}' cannot be sent.`, `${param}.content[${j}]`);
  }).join('');
}

function userContent(content: ChatMessage['content'], param: string): string | CohereContentPart[] {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p: ContentPart, j): CohereContentPart => {
    if (p.type === 'text') return { type: 'text', text: p.text };
    if (p.type === 'image_url') {
      const image_url: { url: string; detail?: 'auto' | 'low' | 'high' } = { url: p.image_url.url };
      if (p.image_url.detail) image_url.detail = p.image_url.detail;
      return { type: 'image_url', image_url };
    }
    throw AISBF_ERR_UNSUPPORTED(`Cohere does not take '${p.type}' content parts; send text or image_url parts.`, `${param}.content[${j}]`);
  });
}

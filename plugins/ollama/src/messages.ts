import { AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, type ChatMessage } from 'aisbf';
import type { OllamaMessage, OllamaToolCall } from './wire.js';

/** `data:<mime>;base64,<payload>`: the payload is what Ollama wants. */
const DATA_URL = /^data:[^,]*;base64,/i;

/**
 * OpenAI messages → Ollama messages. Ollama content is one string: text
 * parts are joined with a newline and images move to `images` as raw base64.
 * Tool results carry the function's name, found from the assistant turn that
 * made the call (Ollama matches results by name).
 */
export function toOllamaMessages(messages: ChatMessage[]): OllamaMessage[] {
  const names = new Map<string, string>();
  return messages.map((m, i): OllamaMessage => {
    const param = `messages[${i}]`;
    const { text, images } = flatten(m.content, param);
    switch (m.role) {
      case 'system':
      case 'developer':
      case 'user': {
        const msg: OllamaMessage = { role: m.role === 'user' ? 'user' : 'system', content: text };
        if (images.length) msg.images = images;
        return msg;
      }
      case 'assistant': {
        const msg: OllamaMessage = { role: 'assistant', content: text };
        if (images.length) msg.images = images;
        if (m.tool_calls?.length) {
          msg.tool_calls = m.tool_calls.map((t, j): OllamaToolCall => {
            names.set(t.id, t.function.name);
            return { id: t.id, function: { name: t.function.name, arguments: parseArguments(t.function.arguments, `${param}.tool_calls[${j}].function.arguments`) } };
          });
        }
        return msg;
      }
      case 'tool': {
        const msg: OllamaMessage = { role: 'tool', content: text };
        const name = m.tool_call_id ? names.get(m.tool_call_id) : undefined;
        if (name) msg.tool_name = name;
        if (m.tool_call_id) msg.tool_call_id = m.tool_call_id;
        return msg;
      }
      default:
        throw AISBF_ERR_UNSUPPORTED(
          `Ollama does not take '${m.role}' messages; send tool results as role 'tool' with a tool_call_id.`, `${param}.role`,
        );
    }
  });
}

function flatten(content: ChatMessage['content'], param: string): { text: string; images: string[] } {
  if (content == null) return { text: '', images: [] };
  if (typeof content === 'string') return { text: content, images: [] };
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((p, j) => {
    if (p.type === 'text') texts.push(p.text);
    else if ((p as { type: string }).type === 'refusal') texts.push(String((p as { refusal?: unknown }).refusal ?? ''));
    else if (p.type === 'image_url') {
      const url = p.image_url.url;
      const m = DATA_URL.exec(url);
      if (!m) {
        throw AISBF_ERR_UNSUPPORTED(
          'Ollama cannot fetch image URLs: send the image inline as a base64 data URL (data:image/png;base64,…).',
          `${param}.content[${j}].image_url.url`,
        );
      }
      images.push(url.slice(m[0].length));
    } else {
      throw AISBF_ERR_UNSUPPORTED(`Ollama does not take '${p.type}' content parts; send text or image_url parts.`, `${param}.content[${j}]`);
    }
  });
  return { text: texts.join('\n'), images };
}

/** OpenAI's argument string → the object Ollama expects; `""` means `{}`. */
function parseArguments(args: string | undefined, param: string): Record<string, unknown> {
  if (!args) return {};
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    throw AISBF_ERR_INVALID_REQUEST(`${param} is not valid JSON; Ollama needs the arguments as a JSON object.`, param);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw AISBF_ERR_INVALID_REQUEST(`${param} must be a JSON object.`, param);
  }
  return value as Record<string, unknown>;
}

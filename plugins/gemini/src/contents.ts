import { AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, type ChatMessage, type ContentPart, type ToolCall } from 'aisbf';
import { decodeCallId } from './tool-call-id.js';
import type { Content, GeminiOptions, Part } from './wire.js';

/** `data:<mime>;base64,<payload>`; compiled once, not per request. */
const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s;
/** URLs Gemini reads itself: its Files API, Cloud Storage, YouTube. */
const GEMINI_FETCHABLE = /^(?:gs:\/\/|https:\/\/generativelanguage\.googleapis\.com\/|https:\/\/(?:www\.)?(?:youtube\.com|youtu\.be)\/)/;
const EXTENSION_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic', heif: 'image/heif', pdf: 'application/pdf',
};
const EXTENSION = /\.([a-z0-9]+)(?:[?#].*)?$/i;

export interface GeminiConversation {
  systemInstruction?: { parts: Part[] };
  contents: Content[];
}

/**
 * OpenAI messages → Gemini `systemInstruction` + `contents`:
 *
 * - system/developer messages, wherever they are, become the system instruction;
 * - `assistant` → role `model`; tool calls → `functionCall` parts carrying the
 *   thought signature decoded from the tool-call id;
 * - `tool` messages → `functionResponse` parts of a user turn; the function
 *   name (which Gemini requires and OpenAI tool messages lack) comes from the
 *   assistant turn that made the call;
 * - consecutive turns of one role are merged (Gemini wants them alternating),
 *   so parallel results share one turn, in call order.
 */
export function toConversation(messages: ChatMessage[], config: GeminiOptions): GeminiConversation {
  const names = callNames(messages);
  const system: Part[] = [];
  const contents: Content[] = [];
  const push = (role: Content['role'], parts: Part[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((msg, i) => {
    const param = `messages[${i}]`;
    switch (msg.role) {
      case 'system':
      case 'developer':
        system.push(...textParts(msg, param));
        return;
      case 'user':
        push('user', userParts(msg, param, config));
        return;
      case 'assistant':
        push('model', [...textParts(msg, param), ...(msg.tool_calls ?? []).map((c, j) => functionCallPart(c, `${param}.tool_calls[${j}]`))]);
        return;
      case 'tool':
        push('user', [functionResponsePart(msg, param, names)]);
        return;
      default:
        throw AISBF_ERR_UNSUPPORTED(`${param}: the role '${msg.role}' is not supported by Gemini; send tool results as role 'tool' with tool_call_id.`, `${param}.role`);
    }
  });
  if (contents.length === 0) {
    throw AISBF_ERR_INVALID_REQUEST('Gemini needs at least one user or assistant message besides system messages.', 'messages');
  }
  return system.length ? { systemInstruction: { parts: system }, contents } : { contents };
}

/** tool_call_id → function name, from every assistant turn of the request. */
function callNames(messages: ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) for (const c of m.tool_calls ?? []) names.set(c.id, c.function.name);
  return names;
}

function textParts(msg: ChatMessage, param: string): Part[] {
  if (typeof msg.content === 'string') return msg.content ? [{ text: msg.content }] : [];
  if (msg.content == null) return [];
  return msg.content.flatMap((p, j): Part[] => {
    if (p.type !== 'text') throw AISBF_ERR_UNSUPPORTED(`${param}.content[${j}]: ${msg.role} messages may only hold text parts for Gemini.`, param);
    return p.text ? [{ text: p.text }] : [];
  });
}

function userParts(msg: ChatMessage, param: string, config: GeminiOptions): Part[] {
  if (typeof msg.content === 'string') return msg.content ? [{ text: msg.content }] : [];
  if (msg.content == null) return [];
  return msg.content.flatMap((p, j) => {
    const part = toPart(p, `${param}.content[${j}]`, config);
    return part ? [part] : [];
  });
}

function toPart(part: ContentPart, param: string, config: GeminiOptions): Part | undefined {
  if (part.type === 'text') return part.text ? { text: part.text } : undefined;
  if (part.type === 'image_url') return mediaPart(part.image_url?.url, param, config);
  if (part.type === 'input_audio') {
    const audio = (part as { input_audio?: { data?: unknown; format?: unknown } }).input_audio;
    if (typeof audio?.data !== 'string' || typeof audio.format !== 'string') {
      throw AISBF_ERR_INVALID_REQUEST(`${param}.input_audio needs data (base64) and format.`, param);
    }
    return { inlineData: { mimeType: `audio/${audio.format}`, data: audio.data } };
  }
  const file = (part as { file?: { file_data?: unknown } }).file;
  if (typeof file?.file_data === 'string') return mediaPart(file.file_data, `${param}.file.file_data`, config);
  throw AISBF_ERR_UNSUPPORTED(`${param}: Gemini takes file parts inline as file.file_data (a data URL); file_id is not supported.`, param);
}

/**
 * Data URLs are inlined. Gemini fetches only its own file URIs (and YouTube),
 * and an adapter does no I/O, so a plain https URL is refused with a 400 that
 * says what to send instead, unless `passImageUrls` says the model fetches it.
 */
function mediaPart(url: unknown, param: string, config: GeminiOptions): Part {
  if (typeof url !== 'string') throw AISBF_ERR_INVALID_REQUEST(`${param} must be a URL string.`, param);
  const data = DATA_URL.exec(url);
  if (data) {
    if (!data[2].split(';').includes('base64')) throw AISBF_ERR_INVALID_REQUEST(`${param}: only base64 data URLs are supported.`, param);
    return { inlineData: { mimeType: data[1].toLowerCase(), data: data[3] } };
  }
  if (GEMINI_FETCHABLE.test(url) || (config.passImageUrls && /^https?:\/\//.test(url))) {
    const ext = EXTENSION.exec(new URL(url).pathname)?.[1]?.toLowerCase();
    const mimeType = ext ? EXTENSION_TYPES[ext] : undefined;
    return { fileData: mimeType ? { fileUri: url, mimeType } : { fileUri: url } };
  }
  throw AISBF_ERR_UNSUPPORTED(
    `${param}: Gemini cannot read this image URL and the gateway does not download images. Send it as a base64 data URL, `
    + 'use a Gemini Files API URI, or set passImageUrls: true on the provider if your model fetches URLs itself.',
    param,
  );
}

function functionCallPart(call: ToolCall, param: string): Part {
  const raw = call.function?.arguments ?? '';
  let args: unknown = {};
  if (raw.trim() !== '') {
    try {
      args = JSON.parse(raw);
    } catch {
      throw AISBF_ERR_INVALID_REQUEST(`${param}.function.arguments is not valid JSON; Gemini needs the arguments as an object.`, `${param}.function.arguments`);
    }
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw AISBF_ERR_INVALID_REQUEST(`${param}.function.arguments must encode a JSON object for Gemini.`, `${param}.function.arguments`);
  }
  const { geminiId, signature } = decodeCallId(call.id ?? '');
  const part: Part = { functionCall: { name: call.function.name, args: args as Record<string, unknown>, ...(geminiId ? { id: geminiId } : {}) } };
  if (signature) part.thoughtSignature = signature;
  return part;
}

function functionResponsePart(msg: ChatMessage, param: string, names: Map<string, string>): Part {
  const id = msg.tool_call_id;
  if (typeof id !== 'string' || !id) {
    throw AISBF_ERR_INVALID_REQUEST(`${param}: a tool message needs tool_call_id (the id of the assistant's tool call it answers).`, `${param}.tool_call_id`);
  }
  const name = names.get(id) ?? (typeof msg.name === 'string' && msg.name ? msg.name : undefined);
  if (!name) {
    throw AISBF_ERR_INVALID_REQUEST(
      `${param}: Gemini needs the function name of tool result '${id}', and no assistant message in this request made that call. `
      + 'Keep the assistant message with its tool_calls in the history (or set name on the tool message).',
      `${param}.tool_call_id`,
    );
  }
  const text = typeof msg.content === 'string' ? msg.content : (msg.content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
  const { geminiId } = decodeCallId(id);
  return { functionResponse: { name, response: responseObject(text), ...(geminiId ? { id: geminiId } : {}) } };
}

/** Gemini wants `response` to be an object: a JSON object result is passed as is, anything else wrapped as `{ content }`. */
function responseObject(text: string): Record<string, unknown> {
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch { /* not JSON: wrapped below */ }
  }
  return { content: text };
}

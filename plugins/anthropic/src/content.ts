import { AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, type ChatMessage, type ContentPart } from 'aisbf';
import type { DocumentBlock, ImageBlock, TextBlock } from './wire.js';

/** `data:<mime>;base64,<payload>`; compiled once, not per request. */
const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s;
/** The image types the Messages API accepts. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/**
 * One OpenAI content part as Anthropic blocks. Images are inlined from data
 * URLs or passed by URL (Anthropic fetches `https` images itself, so the
 * adapter never has to). `cache_control` on a text part is kept: it is how
 * clients ask Anthropic for prompt caching.
 */
export function toBlock(part: ContentPart, param: string): TextBlock | ImageBlock | DocumentBlock | undefined {
  if (part.type === 'text') {
    if (typeof part.text !== 'string') throw AISBF_ERR_INVALID_REQUEST(`${param}.text must be a string.`, param);
    if (part.text.length === 0) return undefined; // Anthropic rejects empty text blocks
    const block: TextBlock = { type: 'text', text: part.text };
    const cache = (part as unknown as { cache_control?: unknown }).cache_control;
    if (cache !== undefined) block.cache_control = cache;
    return block;
  }
  if (part.type === 'image_url') return imageBlock(part.image_url?.url, param);
  if (part.type === 'file') return documentBlock(part, param);
  throw AISBF_ERR_UNSUPPORTED(`Anthropic does not accept '${part.type}' content parts (${param}); send text, image_url or a PDF file part.`, param);
}

function imageBlock(url: unknown, param: string): ImageBlock {
  if (typeof url !== 'string') throw AISBF_ERR_INVALID_REQUEST(`${param}.image_url.url must be a string.`, param);
  if (url.startsWith('https://') || url.startsWith('http://')) return { type: 'image', source: { type: 'url', url } };
  const data = parseDataUrl(url, param);
  if (!IMAGE_TYPES.has(data.mime)) {
    throw AISBF_ERR_UNSUPPORTED(`Anthropic accepts images of type jpeg, png, gif or webp; ${param} is ${data.mime}.`, param);
  }
  return { type: 'image', source: { type: 'base64', media_type: data.mime, data: data.base64 } };
}

/** `{type:'file', file:{file_data:'data:application/pdf;base64,…'}}` → a PDF document block. */
function documentBlock(part: ContentPart, param: string): DocumentBlock {
  const file = (part as { file?: { file_data?: unknown; file_id?: unknown } }).file;
  if (typeof file?.file_data !== 'string') {
    throw AISBF_ERR_UNSUPPORTED(`Anthropic needs file parts inline as file.file_data (a data URL); ${param} has none (file_id is not supported).`, param);
  }
  const data = parseDataUrl(file.file_data, `${param}.file.file_data`);
  if (data.mime !== 'application/pdf') throw AISBF_ERR_UNSUPPORTED(`Anthropic accepts PDF files only; ${param} is ${data.mime}.`, param);
  return { type: 'document', source: { type: 'base64', media_type: data.mime, data: data.base64 } };
}

function parseDataUrl(url: string, param: string): { mime: string; base64: string } {
  const m = DATA_URL.exec(url);
  if (!m || !m[2].split(';').includes('base64')) {
    throw AISBF_ERR_INVALID_REQUEST(`${param} must be an https URL or a base64 data URL (data:<mime>;base64,<data>).`, param);
  }
  return { mime: m[1].toLowerCase(), base64: m[3] };
}

/** The text of a message whose content may be a string or parts (system, developer and tool messages). */
export function textOf(msg: ChatMessage, param: string): string {
  if (typeof msg.content === 'string') return msg.content;
  if (msg.content == null) return '';
  return msg.content.map((p, i) => {
    if (p.type !== 'text') throw AISBF_ERR_UNSUPPORTED(`Only text parts are allowed in ${msg.role} messages (${param}.content[${i}] is ${p.type}).`, param);
    return p.text;
  }).join('\n');
}

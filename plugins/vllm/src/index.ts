import { openAICompatibleAdapter } from '@aisbf/plugin-openai';
import { definePlugin, type HttpProviderAdapter, type Plugin } from 'aisbf';

/**
 * vLLM's OpenAI-compatible server. Bodies pass through, so vLLM's extra
 * sampling keys (`top_k`, `min_p`, `repetition_penalty`, …) reach it as sent;
 * both of vLLM's error shapes (the envelope with an integer `code`, and the
 * older flat `{"object":"error",…}`) are mapped; `apiKey` is only needed when
 * the server was started with `--api-key`.
 *
 * @example providers: { local: { type: 'vllm', baseURL: 'http://127.0.0.1:8000/v1', models: ['Qwen/Qwen2.5-7B-Instruct'] } }
 */
export default function vllm(): Plugin {
  return definePlugin({ name: 'vllm', provider: openAICompatibleAdapter('vllm', { baseURL: 'http://127.0.0.1:8000/v1' }) as HttpProviderAdapter });
}

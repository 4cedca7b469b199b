import { isIP } from 'node:net';

/**
 * True when a URL points at this machine or a private network: loopback,
 * RFC 1918 / unique-local addresses, link-local, or a single-label host name
 * (a container or LAN name such as `ollama`).
 *
 * @example isLocalURL('http://127.0.0.1:11434') // true
 * @example isLocalURL('https://api.openai.com/v1') // false
 */
export function isLocalURL(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  const family = isIP(host);
  if (family === 4) {
    const [a, b] = host.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (family === 6) return host === '::1' || /^f[cd]/i.test(host) || /^fe[89ab]/i.test(host);
  return !host.includes('.');
}

/** Small helpers on raw requests: client address, cookies, same-origin checks. */
import type { IncomingMessage } from 'node:http';
import type { RequestMeta } from '../audit/audit.server.ts';

export function clientIp(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? null;
}

export function requestMeta(req: IncomingMessage, trustProxy: boolean): RequestMeta {
  const ua = req.headers['user-agent'];
  return { ip: clientIp(req, trustProxy), userAgent: typeof ua === 'string' ? ua : null };
}

export function readCookie(header: string | undefined | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** True when Origin (or Referer) is absent or names this host; browsers send Origin on POST. */
export function isSameOrigin(req: IncomingMessage | Request): boolean {
  const get = (name: string) => (req instanceof Request ? req.headers.get(name) : (req.headers[name] as string | undefined));
  const origin = get('origin') ?? get('referer');
  const host = get('x-forwarded-host') ?? get('host');
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function sessionCookie(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${options.maxAgeSeconds}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

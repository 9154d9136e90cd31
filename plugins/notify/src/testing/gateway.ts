/**
 * A local HTTP server standing where the SMS gateway or WeCom stands in tests — the protocol
 * boundary, so the transports' real fetch calls, timeouts and error paths are exercised. It
 * records every request as it arrived (raw body included, to verify signatures) and answers as the
 * test says: a status with a JSON body, or `hang` (never answer, for timeouts).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as sent. */
  readonly raw: string;
  readonly json: unknown;
}

export type Answer = { readonly status: number; readonly json?: unknown } | 'hang';

export interface Gateway {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly received: Received[];
  /** How to answer from now on (default: 200 `{"code": 0, "errcode": 0}`). */
  answer(by: (request: Received) => Answer): void;
  close(): Promise<void>;
}

const OK: Answer = { status: 200, json: { code: 0, errcode: 0, errmsg: 'ok' } };

export async function startGateway(): Promise<Gateway> {
  let by: (request: Received) => Answer = () => OK;
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try { json = raw ? JSON.parse(raw) : undefined; } catch { json = undefined; }
      const request: Received = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, raw, json };
      received.push(request);
      const answer = by(request);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer: (next) => { by = next; },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

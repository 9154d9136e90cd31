/**
 * The baseline: plain node:http answering `GET /api/v1/users/{id}` with a fixed body (the one
 * the platform returned) and the platform's response headers — no routing table, auth,
 * database or validation. What the platform costs is measured against this.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = process.env.BENCH_BODY ?? '{}';
const length = Buffer.byteLength(body);
const route = /^\/api\/v1\/users\/[^/?]+$/;

const server = createServer((req, res) => {
  if (req.method !== 'GET' || !route.test(req.url ?? '')) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': length,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

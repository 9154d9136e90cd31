/**
 * The baseline: plain node:http answering `GET /api/v1/users/{id}` with a fixed body (the one
 * the platform returned) and the platform's response headers — no routing table, auth,
 * database or validation. What the platform costs is measured against this. With
 * WEB_CONCURRENCY > 1 (and BENCH_PORT) it runs that many node:cluster workers on one port, as
 * the clustered platform does, for the like-for-like row.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = process.env.BENCH_BODY ?? '{}';
const length = Buffer.byteLength(body);
const route = /^\/api\/v1\/users\/[^/?]+$/;
const workers = Number(process.env.WEB_CONCURRENCY ?? 1);
const port = Number(process.env.BENCH_PORT ?? 0);

if (cluster.isPrimary && workers > 1) {
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('message', () => {
      if (++listening === workers) process.stdout.write(`${JSON.stringify({ port })}\n`);
    });
  }
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 500).unref();
  });
} else {
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
  server.listen(port, '127.0.0.1', () => {
    if (cluster.isWorker) process.send?.('listening');
    else process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

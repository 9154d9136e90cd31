/**
 * The HTTP server: plain node:http. `/api/*` and `/healthz` go straight to the API router (no
 * framework on the hot path); built assets are served from disk; every other request goes to
 * the React Router app, whose loaders receive the same `App` through the load context.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { App } from '../app.server.ts';
import { createApi } from '../api/index.server.ts';

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
  '.map': 'application/json', '.txt': 'text/plain; charset=utf-8', '.webmanifest': 'application/manifest+json',
};

export type PageHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (pathname === '/') return false;
  const file = normalize(join(root, pathname));
  if (!file.startsWith(root)) return false;
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return false;
    size = stat.size;
  } catch {
    return false;
  }
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    // Vite fingerprints everything under /assets/.
    'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}

export interface HttpServerOptions {
  /** Directory of built browser assets (platform/build/client); omitted in dev (Vite serves). */
  clientDir?: string;
  pages?: PageHandler;
}

export function createHttpServer(app: App, options: HttpServerOptions): Server {
  const api = createApi(app);
  const clientDir = options.clientDir ? resolve(options.clientDir) : undefined;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/') || url === '/healthz' || url.startsWith('/healthz?')) {
      void api.handle(req, res);
      return;
    }
    if (clientDir && serveStatic(clientDir, req, res)) return;
    if (!options.pages) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(options.pages(req, res)).catch((error: unknown) => {
      console.error('Page request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal Server Error');
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

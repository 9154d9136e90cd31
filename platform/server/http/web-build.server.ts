/**
 * The production build of the web app (platform/build): rebuilt by `react-router build` when
 * any source under app/, shared/ or server/ (route modules bundle the services they call), or
 * the build configuration, is newer than the built server bundle. Used by `npm start`
 * and by the browser end-to-end harness, so both serve exactly what `npm run build` produces.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLATFORM_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILD_DIR = join(PLATFORM_DIR, 'build');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function buildIfNeeded(): void {
  const marker = join(BUILD_DIR, 'server', 'index.js');
  const sources = Math.max(
    // The bundle also holds the runtime's and the designer's sources (workspace packages).
    ...['app', 'shared', 'server', '../runtime/src', '../designer/src'].map((dir) => newestMtime(join(PLATFORM_DIR, dir))),
    ...['vite.config.ts', 'react-router.config.ts', 'package.json'].map((file) => statSync(join(PLATFORM_DIR, file)).mtimeMs),
  );
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return;
  console.log('Building the web app (react-router build)…');
  // Always a production bundle, whatever the caller runs under (vitest sets NODE_ENV=test, and
  // Vite honours it): a test-mode client bundle renders antd class names that differ from the
  // server's and breaks hydration.
  const result = spawnSync('npx', ['react-router', 'build'], { cwd: PLATFORM_DIR, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error('Web app build failed');
}

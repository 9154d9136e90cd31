import { reactRouter } from '@react-router/dev/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [reactRouter()],
  ssr: {
    // Server-only packages stay external: they are loaded by Node from node_modules.
    external: ['better-sqlite3', 'pg', 'drizzle-orm'],
  },
  build: { chunkSizeWarningLimit: 2000 },
});

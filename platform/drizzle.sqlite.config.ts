import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './server/db/schema.sqlite.server.ts',
  out: './server/db/migrations/sqlite',
});

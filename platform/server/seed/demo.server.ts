import { count } from 'drizzle-orm';
import type { App } from '../app.server.ts';
import { seedCity, type SeedReport } from './seed.server.ts';

/** Demo mode: seed the demo city (and the neighbouring city used for isolation) into an empty database. */
export async function seedDemo(app: App): Promise<SeedReport | null> {
  const [{ n }] = await app.db.read.select({ n: count() }).from(app.db.t.tenants);
  if (Number(n) > 0) return null;
  const password = app.config.demoPassword;
  const demo = await seedCity(app, 'demo-city', { password });
  await seedCity(app, 'other-city', { password });
  return demo;
}

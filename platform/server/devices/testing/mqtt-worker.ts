/**
 * Child process for the MQTT no-loss test: the platform's ingestion side alone — the database,
 * the telemetry pipeline and the device-mqtt plugin (embedded broker, or subscribed to an
 * external one) — printing `ready` once it accepts messages. The parent kills it with SIGKILL
 * mid-stream and starts it again.
 */
import { loadConfig } from '../../config.server.ts';
import { openDatabase } from '../../db/database.server.ts';
import { createApp } from '../../app.server.ts';
import { discoverPlugins, loadPlugins } from '../../plugins/host.server.ts';

const databaseUrl = process.env.WORKER_DATABASE_URL as string;
const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl });
const db = await openDatabase(databaseUrl, { pgSchema: process.env.WORKER_PG_SCHEMA || undefined, poolSize: 3 });
const app = createApp({ ...config, plugins: { packages: [], disabled: [], config: { 'device-mqtt': JSON.parse(process.env.WORKER_MQTT_CONFIG as string) as Record<string, unknown> } } }, db);
const plugins = await loadPlugins(app, (await discoverPlugins()).filter((c) => c.definition?.id === 'device-mqtt'));
await plugins.start();
const record = plugins.get('device-mqtt');
if (record?.status !== 'active') {
  console.error(`device-mqtt did not start: ${record?.error}`);
  process.exit(2);
}
process.stdout.write('ready\n');
process.on('SIGTERM', () => void plugins.stop().then(() => app.telemetry.close()).then(() => db.close()).finally(() => process.exit(0)));
if (process.env.MQTT_TEST_DEBUG) {
  let stored = 0;
  app.telemetry.onStored((readings) => { stored += readings.length; });
  setInterval(() => process.stderr.write(`worker stored ${stored}\n`), 1000).unref();
}

/**
 * Operator commands, run with the same environment as the server
 * (`npm run cli -w @tongguan/platform -- <command>`):
 *
 *   migrate        apply the database migrations and exit
 *   seed-demo      load the demo cities and the demo city's activity (demo mode only; idempotent)
 *   create-admin   create a city and its first administrator (how production mode starts)
 *
 * Example:
 *   ADMIN_PASSWORD='…' npm run cli -w @tongguan/platform -- create-admin \
 *     --tenant-code jn --tenant-name 济南市 --region-code 370100 --username jn.admin --display-name 张三
 * Without ADMIN_PASSWORD the password is read from stdin (first line), or prompted for twice
 * without echo when stdin is a terminal.
 */
import { parseArgs } from 'node:util';
import { loadConfig, type AppConfig } from './config.server.ts';
import { openDatabase, type Database } from './db/database.server.ts';
import { createApp } from './app.server.ts';
import { seedCity } from './seed/seed.server.ts';
import { describeDemoActivity, seedDemoActivity } from './seed/demo-activity.server.ts';
import { createFirstAdmin } from './cli/create-admin.server.ts';
import { AppError, toErrorBody } from './errors.server.ts';
import type { Locale } from '../shared/i18n/index.ts';

const USAGE = `Usage: npm run cli -w @tongguan/platform -- <command> [options]

Commands:
  migrate        Apply database migrations (DATABASE_URL) and exit.
  seed-demo      Load the demo cities and the demo city's activity (refused when TONGGUAN_MODE=production).
  create-admin   --tenant-code <code> --tenant-name <name> --region-code <6 digits>
                 --username <username> [--display-name <name>]
                 Password from ADMIN_PASSWORD, else stdin (no echo on a terminal).`;

/** Wrong invocation: the message is followed by the usage text (exit 2). */
class UsageError extends Error {}
/** A refusal or a failed step the operator must act on (exit 1). */
class CliError extends Error {}

/** Messages follow the operator's terminal language; the product default is zh-CN. */
const cliLocale = (): Locale => (/^en/i.test(process.env.LC_ALL || process.env.LANG || '') ? 'en' : 'zh-CN');

async function withDatabase<T>(config: AppConfig, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.databaseUrl);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return (finish(), resolve(value));
        if (ch === '\u0003' || ch === '\u0004') return (finish(), reject(new CliError('Cancelled.')));
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    process.stderr.write(prompt);
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (process.stdin.isTTY) {
    const first = await promptHidden('Password: ');
    if ((await promptHidden('Repeat password: ')) !== first) throw new CliError('The passwords do not match.');
    return first;
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new CliError('No password: set ADMIN_PASSWORD or pipe it on stdin.');
  return line;
}

async function createAdmin(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'tenant-code': { type: 'string' }, 'tenant-name': { type: 'string' }, 'region-code': { type: 'string' },
      username: { type: 'string' }, 'display-name': { type: 'string' },
    },
  });
  const missing = ['tenant-code', 'tenant-name', 'region-code', 'username'].filter((name) => !values[name as keyof typeof values]);
  if (missing.length) throw new UsageError(`Missing ${missing.map((m) => `--${m}`).join(', ')}`);
  const config = loadConfig();
  const password = await readPassword();
  const result = await withDatabase(config, (db) => createFirstAdmin(createApp(config, db), {
    tenantCode: values['tenant-code'] as string, tenantName: values['tenant-name'] as string, regionCode: values['region-code'] as string,
    username: values.username as string, displayName: values['display-name'], password,
  }, cliLocale()));
  console.log(`${result.tenantCreated ? 'Created' : 'Using existing'} city ${values['tenant-code']} (${result.tenantId}); built-in roles added: ${result.rolesCreated.length ? result.rolesCreated.join(', ') : 'none'}.`);
  console.log(`Created administrator ${result.username} (${result.userId}) with role cityAdmin (市级管理员).`);
}

async function seedDemoCities(): Promise<void> {
  const config = loadConfig();
  if (config.mode === 'production') throw new CliError('seed-demo is refused in production mode: demo accounts share one known password.');
  await withDatabase(config, async (db) => {
    const app = createApp(config, db);
    for (const folder of ['demo-city', 'other-city']) {
      const report = await seedCity(app, folder, { password: config.demoPassword });
      console.log(`Seeded ${folder}: ${JSON.stringify(report.inserted)}`);
    }
    // The demo city's five weeks of activity, once (a city that has it already is left alone).
    if (config.demoActivity) {
      const activity = await seedDemoActivity(app);
      console.log(activity ? describeDemoActivity(activity) : 'The demo city\'s activity was seeded before.');
    }
  });
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  await withDatabase(config, async (db) => console.log(`Migrations applied (${db.dialect}).`));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'migrate') return migrate();
  if (command === 'seed-demo') return seedDemoCities();
  if (command === 'create-admin') return createAdmin(rest);
  if (command === 'help' || command === '--help' || command === undefined) return void console.log(USAGE);
  throw new UsageError(`Unknown command ${command}`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof AppError) {
      console.error(toErrorBody(error, cliLocale()).body.error.message);
      process.exit(1);
    }
    // parseArgs reports unknown or malformed options with a TypeError carrying a code.
    const usage = error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    console.error(error instanceof Error ? error.message : error);
    if (usage) console.error(`\n${USAGE}`);
    process.exit(usage ? 2 : 1);
  },
);

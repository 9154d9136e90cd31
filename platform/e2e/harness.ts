/**
 * Browser end-to-end harness: the production build served by the real server (`main.ts start`,
 * a child process on its own port and SQLite file, demo city seeded) and Debian's Chromium
 * driven by playwright-core. Nothing is mocked: what passes here is what an operator deploys.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildIfNeeded, PLATFORM_DIR } from '../server/http/web-build.server.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const DEMO_PASSWORD = 'E2e@Demo2026';

/** Quiet, sandbox-free Chromium that never reaches the network on its own (CI containers). */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

const START_TIMEOUT_MS = 120_000;

export interface E2eServer {
  baseUrl: string;
  /** Bearer token for a seeded account, for arranging and checking data through the API. */
  apiToken(username: string): Promise<string>;
  api(path: string, token: string): Promise<Response>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function waitHealthy(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode} before it was healthy:\n${output()}`);
    const healthy = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
    if (healthy) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The server was not healthy within ${START_TIMEOUT_MS / 1000} s:\n${output()}`);
}

/**
 * Builds the web app if sources changed, then starts `main.ts start` on a fresh demo database —
 * without the demo city's seeded activity unless asked (the suites arrange their own cases and
 * reports and count on them).
 */
export async function startServer(options: { demoActivity?: boolean } = {}): Promise<E2eServer> {
  buildIfNeeded();
  const dir = mkdtempSync(join(tmpdir(), 'tongguan-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The embedded MQTT broker gets a port of its own (1883 may be a Mosquitto on this machine).
  const mqttPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', 'start'], {
    cwd: PLATFORM_DIR,
    env: {
      ...process.env, NODE_ENV: 'production', TONGGUAN_MODE: 'demo', PORT: String(port), HOST: '127.0.0.1',
      DATABASE_URL: `file:${join(dir, 'e2e.db')}`, DEMO_PASSWORD, MQTT_PORT: String(mqttPort), DEMO_ACTIVITY: options.demoActivity ? 'on' : 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => { output += String(chunk); });
  child.stderr?.on('data', (chunk) => { output += String(chunk); });
  const close = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(baseUrl, child, () => output);
  } catch (error) {
    await close();
    throw error;
  }
  const tokens = new Map<string, string>();
  return {
    baseUrl,
    async apiToken(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await fetch(`${baseUrl}/api/v1/auth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      if (res.status !== 201) throw new Error(`API sign-in as ${username} failed: ${res.status} ${await res.text()}`);
      const { token } = (await res.json()) as { token: string };
      tokens.set(username, token);
      return token;
    },
    api: (path, token) => fetch(baseUrl + path, { headers: { authorization: `Bearer ${token}` } }),
    close,
  };
}

/**
 * One Chromium per test file; each test takes a fresh context (its own cookies and storage).
 * Playwright starts Chromium with a new temporary --user-data-dir and removes it on close.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Browser errors a test may not cause. Known gaps, each to be removed when fixed:
 * - /favicon.ico: the web app ships no favicon yet, and Chromium asks for one on every new origin.
 */
const KNOWN_ERRORS = [/\/favicon\.ico\b/];

/** A page in a fresh context; `errors` collects what the browser reported as going wrong. */
export interface E2ePage {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export async function newPage(browser: Browser, baseUrl: string): Promise<E2ePage> {
  const context = await browser.newContext({ baseURL: baseUrl, locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  // Generous: CI runs this beside the database suites on two cores.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  const report = (error: string) => {
    if (!KNOWN_ERRORS.some((known) => known.test(error))) errors.push(error);
  };
  page.on('pageerror', (error) => report(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') report(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) report(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  return { context, page, errors };
}

/**
 * Waits until React has hydrated the server-rendered page: before that, clicks on widgets that
 * need JavaScript (trees, selects) are lost. React tags every element it owns with a fiber key.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => Object.keys(document.body).some((key) => key.startsWith('__reactFiber$')));
}

/** The sign-in form (the page also holds the language switch, itself a small form). */
export const loginForm = (page: Page) => page.locator('form', { has: page.locator('#username') });

/** Signs in through the login page and waits until the app shell is shown. */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await waitForHydration(page);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await loginForm(page).locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.getByTestId('main-menu').waitFor();
  await waitForHydration(page);
}

export interface BrowserSuite {
  /** The file's server (started before its first test). */
  readonly server: E2eServer;
  /** A page in a fresh browser context (no cookies); the previous one is closed first. */
  openPage(): Promise<Page>;
  /** Closes the open page's context and fails on any unexpected browser error it saw. */
  closePage(): Promise<void>;
}

/**
 * One server and one Chromium for a test file, a fresh browser context per page; an unexpected
 * browser error (console.error, page error, HTTP ≥ 400) fails the test that caused it, as an
 * unexpected console.error does elsewhere. Call at the top level of the file.
 */
export function useBrowserSuite(options: { demoActivity?: boolean } = {}): BrowserSuite {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  let opened: E2ePage | undefined;
  const closePage = async () => {
    if (!opened) return;
    const { context, errors } = opened;
    opened = undefined;
    await context.close();
    expect(errors).toEqual([]);
  };
  beforeAll(async () => {
    server = await startServer(options);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(closePage);
  const suite: BrowserSuite = {
    get server() {
      if (!server) throw new Error('the server starts before the first test');
      return server;
    },
    async openPage() {
      await closePage();
      if (!browser) throw new Error('the browser starts before the first test');
      opened = await newPage(browser, suite.server.baseUrl);
      return opened.page;
    },
    closePage,
  };
  return suite;
}

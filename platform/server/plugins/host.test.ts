/**
 * The plugin host (issue 5 §1): manifests, dependencies, platform range, configuration, duplicate
 * registrations, and isolation — a plugin that throws is reported and the platform keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { definePlugin, PluginError, type PluginDefinition } from '@tongguan/plugin-sdk';
import { t as types } from '@tongguan/runtime/expr/index';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { discoverPlugins, type PluginCandidate } from './host.server.ts';
import { PLATFORM_VERSION } from './host.server.ts';

const plugin = (id: string, extra: Partial<PluginDefinition<never>> = {}): PluginCandidate => ({
  source: `test/${id}`,
  definition: definePlugin({ id, version: '1.0.0', platformRange: '>=0.1.0', kind: 'exchange', setup() {}, ...extra }) as PluginDefinition<unknown>,
});

let jobRuns = 0;
let failingJobRuns = 0;
let heardByFailed = 0;
let heardByGood = 0;
const candidates: PluginCandidate[] = [
  plugin('good-base', {
    setup(ctx) {
      ctx.registerEndpoint({ method: 'GET', path: '/hello', auth: 'user', permission: { action: 'read', subject: 'Parameter' }, summary: 'hello', handle: async (req) => ({ body: { hello: req.user?.displayName ?? null } }) });
      ctx.registerEndpoint({ method: 'GET', path: '/admin-only', auth: 'user', summary: 'no permission declared', handle: async () => ({ body: { ok: true } }) });
      ctx.registerEndpoint({ method: 'POST', path: '/refuse', auth: 'public', summary: 'refuses', handle: async () => { throw new PluginError('validation_failed', [{ field: 'x', message: '#validation.required' }]); } });
      ctx.registerEndpoint({ method: 'POST', path: '/crash', auth: 'public', summary: 'crashes', handle: async () => { throw new TypeError('boom in handler'); } });
      ctx.registerEndpoint({ method: 'POST', path: '/created', auth: 'public', summary: 'creates', handle: async (req) => ({ status: 201, body: { bytes: req.body?.length ?? 0 } }) });
      ctx.registerExpressionFunction({ name: 'GRID_LEVEL', description: { 'zh-CN': '网格编码层级', en: 'Level of a grid code' }, signatures: [{ params: [{ name: 'code', type: types.string }], returns: types.number }], evaluate: ([code]) => String(code).split('-').length });
      ctx.registerJob({ id: 'tick', everyMs: 1000, run: async () => { jobRuns++; } });
      ctx.registerJob({ id: 'failing', everyMs: 1000, run: async () => { failingJobRuns++; throw new Error('job failed'); } });
      ctx.services.peers.subscribe('news', () => { heardByGood++; });
    },
  }),
  plugin('needs-base', { dependsOn: ['good-base'] }),
  plugin('needs-missing', { dependsOn: ['not-installed'] }),
  plugin('throws-in-setup', {
    setup(ctx) {
      ctx.registerEndpoint({ method: 'GET', path: '/never', auth: 'public', summary: 'never', handle: async () => ({ body: 1 }) });
      ctx.services.peers.subscribe('news', () => { heardByFailed++; });
      throw new Error('cannot reach the vendor cloud');
    },
  }),
  plugin('needs-thrower', { dependsOn: ['throws-in-setup'] }),
  plugin('good-base'),
  plugin('future-only', { platformRange: '>=99.0.0' }),
  plugin('configured', { configSchema: z.object({ endpoint: z.url() }) as never }),
  plugin('configured-ok', { configSchema: z.object({ retries: z.number().int().default(3) }) as never, setup(ctx) { (ctx.config as { retries: number }).retries.toFixed(); } }),
  plugin('steals-notify', { setup(ctx) { ctx.registerServiceTask({ type: 'notify', description: 'x', configSchema: z.object({}), run: async () => undefined }); } }),
  plugin('steals-function', { setup(ctx) { ctx.registerExpressionFunction({ name: 'ROUND', description: { 'zh-CN': 'x', en: 'x' }, signatures: [{ params: [], returns: types.number }], evaluate: () => 1 }); } }),
  plugin('bad-function', { setup(ctx) { ctx.registerExpressionFunction({ name: 'lower_case', description: { 'zh-CN': 'x', en: 'x' }, signatures: [{ params: [], returns: types.number }], evaluate: () => 1 }); } }),
  plugin('pager', {
    setup(ctx) {
      ctx.registerNotifyTransport({
        id: 'pager', name: '寻呼', configSchema: z.object({ priority: z.enum(['high', 'normal']).default('normal') }).strict(),
        async send(message, recipients) {
          if (message.title === 'boom') throw new Error('pager gateway down');
          return { accepted: recipients.length, skipped: 0 };
        },
      });
    },
  }),
  plugin('second-pager', { setup(ctx) { ctx.registerNotifyTransport({ id: 'pager', name: 'x', send: async () => undefined }); } }),
  plugin('steals-in-app', { setup(ctx) { ctx.registerNotifyTransport({ id: 'inApp', name: 'x', send: async () => undefined }); } }),
  plugin('beeper-twice', {
    setup(ctx) {
      ctx.registerNotifyTransport({ id: 'beeper', name: 'x', send: async () => undefined });
      ctx.registerNotifyTransport({ id: 'beeper', name: 'y', send: async () => undefined });
    },
  }),
  { source: 'test/not-a-plugin', definition: undefined, error: 'its module has no default export made with definePlugin' },
];

let t: TestApp;
beforeAll(async () => {
  const workspace = await discoverPlugins();
  t = await createTestApp({
    plugins: [...workspace, ...candidates],
    config: { plugins: { packages: [], disabled: [], config: {} } },
  });
});
afterAll(() => t.close());

const status = (id: string) => t.app.plugins.get(id);

describe('plugin host: loading', () => {
  it('given definePlugin, when the manifest is malformed, then it throws naming the field', () => {
    expect(() => definePlugin({ id: 'Bad Id', version: '1.0.0', platformRange: '*', kind: 'exchange', setup() {} })).toThrow(/Invalid plugin "Bad Id": id:/);
    expect(() => definePlugin({ id: 'ok-id', version: 'one', platformRange: '*', kind: 'exchange', setup() {} })).toThrow(/version/);
    expect(() => definePlugin({ id: 'ok-id', version: '1.0.0', platformRange: '*', kind: 'teleport' as never, setup() {} })).toThrow(/kind/);
  });

  it('given the workspace, when discovered, then the built-in plugins under plugins/* load and the SDK itself is not a plugin', () => {
    expect(status('device-http')).toMatchObject({ status: 'active', source: 'plugins/device-http', registered: { endpoints: ['POST /api/v1/plugins/device-http/telemetry'] } });
    expect(t.app.plugins.list().some((p) => p.source === 'plugins/sdk')).toBe(false);
  });

  it('given a plugin and one that depends on it, when loaded, then both are active', () => {
    expect(status('good-base')?.status).toBe('active');
    expect(status('needs-base')?.status).toBe('active');
  });

  it('given a missing dependency, when loaded, then the plugin fails loudly naming it', () => {
    expect(status('needs-missing')).toMatchObject({ status: 'failed', error: 'depends on "not-installed", which is not installed' });
  });

  it('given a setup that throws, when loaded, then the plugin is failed, what it registered is gone, and its dependants fail too', async () => {
    expect(status('throws-in-setup')).toMatchObject({ status: 'failed', error: 'setup failed: cannot reach the vendor cloud' });
    expect(status('throws-in-setup')?.registered.endpoints).toEqual([]);
    expect((await t.request('GET', '/api/v1/plugins/throws-in-setup/never')).status).toBe(404);
    expect(status('needs-thrower')).toMatchObject({ status: 'failed', error: 'depends on "throws-in-setup", which is failed' });
    // Its peers subscription went with it; an active plugin's stays.
    t.app.bus.publish('plugin:throws-in-setup:news', 1);
    t.app.bus.publish('plugin:good-base:news', 1);
    expect([heardByFailed, heardByGood]).toEqual([0, 1]);
  });

  it('given a second plugin with the same id, when loaded, then it is refused and the first stays', () => {
    expect(status('good-base (test/good-base)')).toMatchObject({ status: 'failed', error: 'duplicate plugin id "good-base"' });
    expect(status('good-base')?.registered.endpoints).toHaveLength(5);
  });

  it('given a platform range this version is outside of, when loaded, then it is refused with both versions', () => {
    expect(status('future-only')).toMatchObject({ status: 'failed', error: `needs platform >=99.0.0; this is ${PLATFORM_VERSION}` });
  });

  it('given configuration, when it does not match the schema, then the plugin fails naming the field; defaults apply otherwise', () => {
    expect(status('configured')?.status).toBe('failed');
    expect(status('configured')?.error).toMatch(/^invalid configuration: endpoint: /);
    expect(status('configured-ok')?.status).toBe('active');
  });

  it('given registrations that collide, when loaded, then duplicate service-task types and function names are refused', () => {
    expect(status('steals-notify')).toMatchObject({ status: 'failed', error: 'setup failed: a service-task handler of type "notify" is already registered' });
    expect(status('steals-function')).toMatchObject({ status: 'failed', error: 'setup failed: an expression function "ROUND" is already registered' });
    expect(status('bad-function')?.error).toMatch(/^setup failed: expression function "lower_case": name must be UPPER_SNAKE/);
    expect(t.app.functions.get('GRID_LEVEL')).toBeDefined();
  });

  it('given notification transports, when loaded, then one per channel id is registered and a second one, a double or the in-app channel is refused', () => {
    expect(status('pager')).toMatchObject({ status: 'active', registered: { transports: ['pager'] } });
    expect(t.app.notifyTransports.ids()).toContain('pager');
    expect(status('second-pager')).toMatchObject({ status: 'failed', error: 'setup failed: a notification transport "pager" is already registered' });
    expect(status('steals-in-app')).toMatchObject({ status: 'failed', error: 'setup failed: "inApp" is the platform\'s own channel' });
    expect(status('beeper-twice')).toMatchObject({ status: 'failed', error: 'setup failed: notification transport "beeper" is registered twice' });
    expect(t.app.notifyTransports.get('beeper')).toBeUndefined();
  });

  it('given a module that is not a plugin, when loaded, then it is listed as failed with the reason', () => {
    expect(status('test/not-a-plugin')).toMatchObject({ status: 'failed', error: 'its module has no default export made with definePlugin' });
  });
});

describe('plugin host: endpoints, isolation and 插件管理', () => {
  it('given a user endpoint, when called, then the router authenticates and checks its permission', async () => {
    expect((await t.request('GET', '/api/v1/plugins/good-base/hello')).status).toBe(401);
    expect((await t.request('GET', '/api/v1/plugins/good-base/hello', { token: await t.tokenFor('dh.inspector1') })).status).toBe(403);
    const res = await t.request('GET', '/api/v1/plugins/good-base/hello', { token: await t.tokenFor('admin') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: (await t.user('admin')).displayName });
  });

  it('given a user endpoint that declares no permission, when called, then only administrators may', async () => {
    expect((await t.request('GET', '/api/v1/plugins/good-base/admin-only', { token: await t.tokenFor('admin') })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/plugins/good-base/admin-only', { token: await t.tokenFor('dh.admin') })).status).toBe(403);
  });

  it('given an endpoint answering a status, when called, then that status and JSON body are sent', async () => {
    const res = await t.request('POST', '/api/v1/plugins/good-base/created', { rawBody: 'abc' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ bytes: 3 });
  });

  it('given a PluginError, when thrown, then it is answered as the platform error in the caller\'s language and not counted as a fault', async () => {
    const before = status('good-base')!.errors;
    const res = await t.request('POST', '/api/v1/plugins/good-base/refuse', { headers: { 'accept-language': 'zh-CN' } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; fields: { field: string; message: string }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.fields[0]).toMatchObject({ field: 'x' });
    expect(body.error.fields[0].message).not.toMatch(/^#/);
    expect(status('good-base')!.errors).toBe(before);
  });

  it('given an endpoint that crashes, when called, then that call gets 500 plugin_failed, the fault is counted, and the platform keeps serving', async () => {
    const res = await t.request('POST', '/api/v1/plugins/good-base/crash');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('plugin_failed');
    expect(status('good-base')).toMatchObject({ status: 'active', lastError: 'boom in handler' });
    expect(status('good-base')!.errors).toBeGreaterThanOrEqual(1);
    expect((await t.request('GET', '/api/v1/me', { token: await t.tokenFor('admin') })).status).toBe(200);
  });

  it('given a transport whose send throws, when called, then the call fails, the fault is counted against its plugin and the transport stays', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const pager = t.app.notifyTransports.get('pager')!;
    const message = { id: 'd1', tenantId: 't', title: 'boom', body: null, link: null, severity: null, sourceKey: 's' };
    const recipients = [{ userId: 'u', username: 'u', displayName: 'u', phone: null, email: null }];
    try {
      await expect(pager.send(message, recipients, { priority: 'normal' })).rejects.toThrow('pager gateway down');
      expect(status('pager')).toMatchObject({ status: 'active', errors: 1, lastError: 'pager gateway down' });
      expect(errors).toHaveBeenCalledWith('Plugin pager failed', expect.any(Error));
      expect(await pager.send({ ...message, title: 'ok' }, recipients, { priority: 'normal' })).toEqual({ accepted: 1, skipped: 0 });
    } finally {
      errors.mockRestore();
    }
  });

  it('given started jobs, when one throws every run, then it is counted and the others keep running', async () => {
    await t.app.plugins.start();
    await new Promise((resolve) => setTimeout(resolve, 2300));
    await t.app.plugins.stop();
    expect(jobRuns).toBeGreaterThanOrEqual(2);
    expect(failingJobRuns).toBeGreaterThanOrEqual(2);
    expect(status('good-base')?.lastError).toBe('job failed');
  });

  it('given 插件管理, when an administrator lists plugins, then each shows its status, reason and registrations; others are refused', async () => {
    const res = await t.request('GET', '/api/v1/plugins', { token: await t.tokenFor('admin') });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; status: string; error: string | null; registered: { functions: string[]; jobs: string[] } }[] };
    expect(items.find((p) => p.id === 'good-base')).toMatchObject({ status: 'active', registered: { functions: ['GRID_LEVEL'], jobs: ['tick', 'failing'] } });
    expect(items.find((p) => p.id === 'needs-missing')).toMatchObject({ status: 'failed', error: expect.stringContaining('not-installed') });
    expect((await t.request('GET', '/api/v1/plugins', { token: await t.tokenFor('dh.inspector1') })).status).toBe(403);
  });
});

describe('plugin host: disabled plugins', () => {
  it('given PLUGINS_DISABLED, when loading, then the plugin is listed as disabled and registers nothing', async () => {
    const other = await createTestApp({ seed: false, plugins: [plugin('switched-off', { setup(ctx) { ctx.registerJob({ id: 'x', everyMs: 1000, run: async () => {} }); } })], config: { plugins: { packages: [], disabled: ['switched-off'], config: {} } } });
    try {
      expect(other.app.plugins.get('switched-off')).toMatchObject({ status: 'disabled', registered: { jobs: [] } });
    } finally {
      await other.close();
    }
  });
});

/**
 * Alarm rules as definitions (issue 5 item 4): checked against the device type their scope names
 * when saved, evaluated from the moment they are published and no longer once retired, exported
 * as a bundle and imported back as drafts — all or nothing, with the path of every problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';
import { COVER_RULE, COVER_TYPE, alarmsOf, centreOf, publish, registerDevice } from './testing/alarm-fixtures.ts';

let t: TestApp;
let admin: string;
let ruleId: string;

const draft = (key: string, content: unknown) => t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'alarmRule', key, name: key, content } });
const fieldsOf = async (res: Response) => ((await res.json()) as ErrorJson).error.fields ?? [];

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenFor('admin');
  await publish(t, 'deviceType', 'testCover', COVER_TYPE);
  ruleId = await publish(t, 'alarmRule', 'test-cover', COVER_RULE);
});
afterAll(() => t.close());

describe('checking a rule against its device type when it is saved', () => {
  it('given a condition on a metric the type does not send, when saved, then 422 names the expression with its position and a suggestion', async () => {
    const res = await draft('bad-metric', { ...COVER_RULE, levels: [{ severity: 2, condition: { type: 'simple', expr: 'tlit > 15' } }] });
    expect(res.status).toBe(422);
    const [field] = await fieldsOf(res);
    expect(field?.field).toBe('content.levels.0.condition.expr');
    expect(field?.message).toContain('第 1 行第 1 列');
    expect(field?.message).toContain('tilt');
  });

  it('given a scope, role or process that does not exist, or a case process without a category, when saved, then 422 names each', async () => {
    const bad = await draft('bad-refs', {
      ...COVER_RULE, scope: { kind: 'deviceType', key: 'noSuchType' },
      actions: { notifyRoles: ['commandCenter', 'nobody'], startProcess: { processKey: 'case-closed-loop', variables: {} } },
    });
    expect(bad.status).toBe(422);
    expect((await fieldsOf(bad)).map((f) => f.field).sort()).toEqual(['content.actions.notifyRoles.1', 'content.actions.startProcess.variables', 'content.scope.key']);
    const noProcess = await draft('bad-process', { ...COVER_RULE, actions: { startProcess: { processKey: 'no-such-process' } } });
    expect((await fieldsOf(noProcess)).map((f) => f.field)).toEqual(['content.actions.startProcess.processKey']);
  });

  it('given a channel no plugin provides, when saved, then 422 names it and what is available, in the reader\'s language', async () => {
    const content = { ...COVER_RULE, actions: { ...COVER_RULE.actions, channels: ['inApp', 'sms'] } };
    expect(await fieldsOf(await draft('bad-channel', content))).toEqual([
      { field: 'content.actions.channels.1', message: '未知的通知渠道「sms」，可用渠道：inApp（短信、企业微信等渠道由 notify 插件按配置提供）' },
    ]);
    const en = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'alarmRule', key: 'bad-channel', name: 'x', content }, headers: { 'accept-language': 'en' } });
    expect((await fieldsOf(en))[0]?.message).toBe('unknown notification channel "sms"; available: inApp (SMS, WeCom and others come from the notify plugin, as configured)');
  });

  it('given in-app named as a channel, with options or twice, when saved, then only the plain listing is accepted', async () => {
    const withChannels = (channels: unknown) => draft('in-app-only', { ...COVER_RULE, actions: { notifyRoles: ['commandCenter'], channels } });
    expect((await fieldsOf(await withChannels([{ id: 'inApp', config: { colour: 'red' } }]))).map((f) => f.field)).toEqual(['content.actions.channels.0.config']);
    expect(await fieldsOf(await withChannels(['inApp', 'inApp']))).toEqual([{ field: 'content.actions.channels.1', message: '通知渠道重复' }]);
    expect((await withChannels(['inApp'])).status).toBe(201);
  });

  it('given an offline condition inside a composite, when saved, then 422 with the rule schema\'s own message', async () => {
    const res = await draft('bad-offline', {
      ...COVER_RULE, levels: [{ severity: 4, condition: { type: 'composite', op: 'or', conditions: [{ type: 'offline', hours: 72 }, { type: 'simple', expr: 'open' }] } }],
    });
    expect(res.status).toBe(422);
    expect(await fieldsOf(res)).toEqual([{ field: 'content.levels.0.condition.conditions.0', message: '离线条件不能放在组合条件中，请作为单独的报警级别' }]);
  });
});

describe('publishing and retiring', () => {
  it('given the published rule, when it is retired, then readings no longer raise alarms at once', async () => {
    const cover = await registerDevice(t, { code: 'COVER-X', typeKey: 'testCover', location: await centreOf(t, 'demo-dh-lq-jx') });
    expect((await t.request('POST', `/api/v1/definitions/${ruleId}/retire`, { token: admin })).status).toBe(200);
    await cover.send({ open: true, tilt: 0, displacement: 0 });
    expect(await alarmsOf(t, cover.device.id)).toEqual([]);
    ruleId = await publish(t, 'alarmRule', 'test-cover', COVER_RULE);
    t.clock.advance(60_000);
    await cover.send({ open: true });
    expect(await alarmsOf(t, cover.device.id)).toMatchObject([{ ruleKey: 'test-cover', ruleVersion: 2 }]);
  });
});

describe('export and import', () => {
  interface Bundle { format: string; version: number; exportedAt: string; rules: { key: string; name: string; content: Record<string, unknown> }[] }
  let bundle: Bundle;

  it('given published rules, when exported, then the file is a tongguan.alarmRules v1 bundle of the latest published version of each, by key', async () => {
    const res = await t.request('GET', '/api/v1/alarm-rules/export', { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="alarm-rules-\d{8}\.json"$/);
    bundle = (await res.json()) as Bundle;
    expect([bundle.format, bundle.version]).toEqual(['tongguan.alarmRules', 1]);
    const keys = bundle.rules.map((r) => r.key);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining(['test-cover', 'manhole-cover-abnormal', 'gas-leak-lel', 'offline-manholeCoverSensor']));
  });

  it('given the export with one rule renamed, when imported, then every rule becomes a draft in one step, audited, and publishing it round-trips', async () => {
    const mark = await t.auditMark();
    const edited = { ...bundle, rules: bundle.rules.map((r) => (r.key === 'test-cover' ? { ...r, name: '井盖异常（测试）' } : r)) };
    const res = await t.request('POST', '/api/v1/alarm-rules/import', { token: admin, body: edited });
    expect(res.status, await res.clone().text()).toBe(201);
    const { rules } = (await res.json()) as { rules: { key: string; id: string; version: number; created: boolean }[] };
    expect(rules).toHaveLength(bundle.rules.length);
    const cover = rules.find((r) => r.key === 'test-cover')!;
    expect(cover).toMatchObject({ version: 3, created: true });
    expect((await t.auditSince(mark)).filter((a) => a.action === 'import')).toHaveLength(bundle.rules.length);
    const published = await t.request('POST', `/api/v1/definitions/${cover.id}/publish`, { token: admin, body: { comment: 'import' } });
    expect(published.status, await published.clone().text()).toBe(200);
    const again = (await (await t.request('GET', '/api/v1/alarm-rules/export', { token: admin })).json()) as Bundle;
    expect(again.rules.find((r) => r.key === 'test-cover')).toEqual({ ...bundle.rules.find((r) => r.key === 'test-cover'), name: '井盖异常（测试）' });
  });

  it('given a bundle with one good and one bad rule, when imported, then 422 names the bad rule\'s path and nothing is written', async () => {
    const d = t.app.db.t.definitions;
    const before = await t.app.db.read.select({ id: d.id }).from(d).where(eq(d.kind, 'alarmRule'));
    const res = await t.request('POST', '/api/v1/alarm-rules/import', {
      token: admin,
      body: {
        format: 'tongguan.alarmRules', version: 1,
        rules: [
          { key: 'new-good', name: '新规则', content: COVER_RULE },
          { key: 'new-bad', name: '坏规则', content: { ...COVER_RULE, levels: [{ severity: 1, condition: { type: 'simple', expr: 'pressure > 1' } }] } },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect((await fieldsOf(res)).map((f) => f.field)).toEqual(['rules.1.content.levels.0.condition.expr']);
    expect(await t.app.db.read.select({ id: d.id }).from(d).where(eq(d.kind, 'alarmRule'))).toHaveLength(before.length);
    expect(await t.app.db.read.select().from(d).where(and(eq(d.kind, 'alarmRule'), eq(d.key, 'new-good')))).toEqual([]);
  });

  it('given files that are not bundles, when imported, then 422 names what is wrong', async () => {
    const wrongFormat = await t.request('POST', '/api/v1/alarm-rules/import', { token: admin, body: { format: 'other', version: 1, rules: [] } });
    expect(await fieldsOf(wrongFormat)).toEqual([{ field: 'format', message: '不是报警规则导出文件（format 应为 tongguan.alarmRules）' }]);
    const newer = await t.request('POST', '/api/v1/alarm-rules/import', { token: admin, body: { format: 'tongguan.alarmRules', version: 2, rules: [] } });
    expect((await fieldsOf(newer)).map((f) => f.field)).toEqual(['version']);
    const shape = await t.request('POST', '/api/v1/alarm-rules/import', { token: admin, body: { format: 'tongguan.alarmRules', version: 1, rules: [{ key: 'x', name: 'x', content: { levels: [] } }] } });
    expect(shape.status).toBe(422);
    expect((await fieldsOf(shape)).map((f) => f.field)).toEqual(expect.arrayContaining(['rules.0.content.scope', 'rules.0.content.levels']));
    expect((await t.request('POST', '/api/v1/alarm-rules/import', { token: await t.tokenFor('dh.intake'), body: bundle })).status).toBe(403);
  });
});

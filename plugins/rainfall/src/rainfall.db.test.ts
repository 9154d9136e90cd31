/**
 * The example plugin inside the platform: loaded by the plugin host, its service task graded in a
 * running process, its BPMN error caught by the model, its endpoint served with its permission.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../platform/server/testing/test-app.server.ts';
import { discoverPlugins } from '../../../platform/server/plugins/host.server.ts';
import { runDueJobs } from '../../../platform/server/workflow/jobs.server.ts';

const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="http://tongguan.dev/schema/bpmn/1.0" id="defs" targetNamespace="http://tongguan.dev/example">
  <error id="noRain" errorCode="NO_RAINFALL" name="无降水数据"/>
  <process id="rainWatch" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="grade"/>
    <serviceTask id="grade" name="评定降水等级" tg:type="rainfall.grade" tg:resultVariable="rain">
      <extensionElements><tg:config>{"variable": "rainfall24h"}</tg:config></extensionElements>
    </serviceTask>
    <boundaryEvent id="missing" attachedToRef="grade"><errorEventDefinition errorRef="noRain"/></boundaryEvent>
    <sequenceFlow id="f2" sourceRef="grade" targetRef="review"/>
    <sequenceFlow id="f3" sourceRef="missing" targetRef="measure"/>
    <userTask id="review" name="研判"/>
    <userTask id="measure" name="补录雨量"/>
    <sequenceFlow id="f4" sourceRef="review" targetRef="end"/>
    <sequenceFlow id="f5" sourceRef="measure" targetRef="end2"/>
    <endEvent id="end"/>
    <endEvent id="end2"/>
  </process>
</definitions>`;

// The plugin's function in a gateway condition: published only if the parser knows it, run by the engine.
const ROUTED = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs2" targetNamespace="http://tongguan.dev/example">
  <process id="rainRoute" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    <exclusiveGateway id="split" default="calm"/>
    <sequenceFlow id="storm" sourceRef="split" targetRef="warn"><conditionExpression>RAINFALL_GRADE(rainfall24h) >= 4</conditionExpression></sequenceFlow>
    <sequenceFlow id="calm" sourceRef="split" targetRef="file"/>
    <userTask id="warn" name="暴雨预警"/>
    <userTask id="file" name="归档"/>
    <sequenceFlow id="f2" sourceRef="warn" targetRef="end"/>
    <sequenceFlow id="f3" sourceRef="file" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

interface Instance { id: string; variables: Record<string, unknown>; tasks: { elementId: string }[] }

let t: TestApp;
let admin: string;
beforeAll(async () => {
  const rainfall = (await discoverPlugins()).filter((c) => c.definition?.id === 'rainfall');
  t = await createTestApp({ plugins: rainfall, config: { plugins: { packages: [], disabled: [], config: { rainfall: { warnFromLevel: 3 } } } } });
  admin = await t.tokenFor('admin');
  const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'process', key: 'rainWatch', name: '降水研判', content: { xml: PROCESS } } });
  const { id } = (await created.json()) as { id: string };
  const published = await t.request('POST', `/api/v1/definitions/${id}/publish`, { token: admin, body: { comment: 'v1' } });
  expect(published.status, await published.clone().text()).toBe(200);
  const routed = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'process', key: 'rainRoute', name: '降水分流', content: { xml: ROUTED } } });
  const routedId = ((await routed.json()) as { id: string }).id;
  const routedPublished = await t.request('POST', `/api/v1/definitions/${routedId}/publish`, { token: admin, body: { comment: 'v1' } });
  expect(routedPublished.status, await routedPublished.clone().text()).toBe(200);
});
afterAll(() => t.close());

const start = async (variables: Record<string, unknown>, processKey = 'rainWatch') => {
  const res = await t.request('POST', '/api/v1/process-instances', { token: admin, body: { processKey, variables } });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as Instance;
  await runDueJobs(t.app);
  return (await (await t.request('GET', `/api/v1/process-instances/${id}`, { token: admin })).json()) as Instance;
};

describe('the rainfall example plugin in the platform', () => {
  it('given 62 mm in 24 h, when the process runs, then the service task grades it 暴雨, a warning from the configured level 3', async () => {
    const instance = await start({ rainfall24h: 62 });
    expect(instance.variables.rain).toEqual({ level: 4, name: '暴雨', warning: true });
    expect(instance.tasks.map((task) => task.elementId)).toEqual(['review']);
    expect(t.app.plugins.get('rainfall')).toMatchObject({ status: 'active', errors: 0 });
  });

  it('given no rainfall variable, when the process runs, then the BPMN error NO_RAINFALL takes it to 补录雨量', async () => {
    const instance = await start({});
    expect(instance.tasks.map((task) => task.elementId)).toEqual(['measure']);
  });

  it('given its endpoint, when staff who read devices ask, then they get the grades; an inspector may not', async () => {
    const res = await t.request('GET', '/api/v1/plugins/rainfall/grades', { token: await t.tokenFor('cc.dispatcher1') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { '24h': { name: string }[]; warnFromLevel: number };
    expect(body['24h'].map((g) => g.name)).toEqual(['微量降雨', '小雨', '中雨', '大雨', '暴雨', '大暴雨', '特大暴雨']);
    expect(body.warnFromLevel).toBe(3);
    expect((await t.request('GET', '/api/v1/plugins/rainfall/grades', { token: await t.tokenFor('dh.inspector1') })).status).toBe(403);
  });

  it('given its function RAINFALL_GRADE, when a gateway condition calls it, then 62 mm goes to 暴雨预警 and 12 mm to 归档', async () => {
    expect((await start({ rainfall24h: 62 }, 'rainRoute')).tasks.map((task) => task.elementId)).toEqual(['warn']);
    expect((await start({ rainfall24h: 12 }, 'rainRoute')).tasks.map((task) => task.elementId)).toEqual(['file']);
  });

  it('given its function, when an expression, an indicator formula or an alarm condition calls it, then each checks; a misspelt one is refused with a suggestion', async () => {
    const checked = await t.request('POST', '/api/v1/expressions/check', { token: admin, body: { expression: 'RAINFALL_GRADE(62, "24h") >= 4' } });
    expect(await checked.json()).toMatchObject({ ok: true, type: 'boolean' });
    const misspelt = (await (await t.request('POST', '/api/v1/expressions/check', { token: admin, body: { expression: 'RAINFAL_GRADE(62)' } })).json()) as { ok: boolean; diagnostics: { message: string }[] };
    expect(misspelt.ok).toBe(false);
    expect(misspelt.diagnostics[0]!.message).toContain('RAINFALL_GRADE');
    const indicator = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'indicator', key: '9-9-1', name: '暴雨等级', content: {
      code: '9-9-1', parentCode: '9-9', name: '暴雨等级', level: 3, collection: 'reported', period: 'month', regions: ['city'],
      basis: [{ key: 'rain', name: '月最大日降水量（毫米）', source: 'input', min: 0 }], formula: 'RAINFALL_GRADE(rain)',
    } } });
    expect(indicator.status, await indicator.clone().text()).toBe(201);
    const rule = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'alarmRule', key: 'rain-depth', name: '积水按暴雨等级', content: {
      scope: { kind: 'deviceType', key: 'waterloggingMonitor' },
      levels: [{ severity: 2, condition: { type: 'simple', expr: 'RAINFALL_GRADE(depth, "1h") >= 3' } }],
      actions: {},
    } } });
    expect(rule.status, await rule.clone().text()).toBe(201);
  });
});

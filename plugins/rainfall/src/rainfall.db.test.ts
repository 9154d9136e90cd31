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
});
afterAll(() => t.close());

const start = async (variables: Record<string, unknown>) => {
  const res = await t.request('POST', '/api/v1/process-instances', { token: admin, body: { processKey: 'rainWatch', variables } });
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
});

/**
 * 平台上报 (000 table 5.2.6; issue 4 items 3 and 8): a reported indicator's numbers are entered per
 * region and period, checked item by item and against the indicator's rules, reviewed, and only
 * approved numbers reach the value. Template indicator 1-2-1 桥梁定期检测完成覆盖率.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';
import type { IndicatorValueOutput } from './indicators.server.ts';
import type { ReportOutput } from './reports.server.ts';

let t: TestApp;
let east: string;
let west: string;

beforeAll(async () => {
  t = await createTestApp();
  east = await t.orgId('demo-dh');
  west = await t.orgId('demo-xl');
});

afterAll(() => t.close());

const submit = async (username: string, body: unknown, locale = 'zh-CN') =>
  t.request('POST', '/api/v1/indicators/1-2-1/reports', { token: await t.tokenFor(username), body, headers: { 'accept-language': locale } });
const review = async (id: string, approved: boolean, username = 'admin') =>
  t.request('POST', `/api/v1/indicator-reports/${id}/review`, { token: await t.tokenFor(username), body: { approved, comment: approved ? '核实无误' : '清单不全' } });
const compute = async () => {
  const res = await t.request('POST', '/api/v1/indicators/compute', { token: await t.tokenFor('admin'), body: { key: '1-2-1', period: '2026', groupBy: 'district' } });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { values: IndicatorValueOutput[] }).values;
};
const reportsInDb = async (regionId?: string) => {
  const r = t.app.db.t.indicatorReports;
  return t.app.db.read.select().from(r).where(and(eq(r.indicatorKey, '1-2-1'), regionId === undefined ? undefined : eq(r.regionId, regionId)));
};

describe('reported indicators (平台上报)', () => {
  it('given numbers out of range, not whole or missing, when a district reports, then 422 names each field in Chinese and nothing is written', async () => {
    const res = await submit('dh.intake', { period: '2026', regionId: east, values: { inspected: 2.5, bridges: -1, colour: 3 } });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as ErrorJson).error.fields;
    expect(fields).toEqual(expect.arrayContaining([
      { field: 'values.inspected', message: '须为整数' },
      // The data-entry form (template form indicator-report-1-2-1, @formio/core) judges the range first; the indicator's own rules the rest.
      { field: 'values.bridges', message: '「城市桥梁总数（座）」不能小于 0' },
      { field: 'values.colour', message: '不是该指标的填报项' },
    ]));
    expect(fields).toHaveLength(3);
    expect(await reportsInDb()).toEqual([]);
  });

  it('given more bridges inspected than exist, when reported, then the indicator\'s check refuses it naming the field, in the caller\'s language', async () => {
    const res = await submit('dh.intake', { period: '2026', regionId: east, values: { inspected: 12, bridges: 10 } }, 'en');
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields).toEqual([{ field: 'values.inspected', message: 'cannot exceed the number of bridges' }]);
    expect(await reportsInDb()).toEqual([]);
  });

  it('given a period not written as a year, or another district, when reported by 东湖区 staff, then 422 or 403', async () => {
    expect((await submit('dh.intake', { period: '2026-03', regionId: east, values: { inspected: 1, bridges: 2 } })).status).toBe(422);
    expect((await submit('dh.intake', { period: '2026', regionId: west, values: { inspected: 1, bridges: 2 } })).status).toBe(403);
    expect((await submit('dh.intake', { period: '2026', values: { inspected: 1, bridges: 2 } })).status).toBe(403);
  });

  it('given a valid report, when submitted and not yet reviewed, then the indicator has no data for that district', async () => {
    const res = await submit('dh.intake', { period: '2026', regionId: east, values: { inspected: 9, bridges: 12 } });
    expect(res.status).toBe(201);
    expect((await res.json()) as ReportOutput).toMatchObject({ status: 'submitted', regionId: east, period: '2026', values: { inspected: 9, bridges: 12 } });
    const values = await compute();
    expect(values.find((v) => v.regionId === east)).toMatchObject({ value: null, status: 'noData', inputs: { inspected: null, bridges: null } });
  });

  it('given the report approved, when computed, then 东湖区 gets 75 % with the reported numbers and the city stays no data until it reports', async () => {
    const [report] = await reportsInDb(east);
    const approved = await review(report!.id, true);
    expect(approved.status).toBe(200);
    expect((await approved.json()) as ReportOutput).toMatchObject({ status: 'approved', reviewComment: '核实无误' });
    const values = await compute();
    expect(values.find((v) => v.regionId === east)).toMatchObject({ value: 75, status: 'ok', inputs: { inspected: 9, bridges: 12 } });
    expect(values.find((v) => v.regionLevel === 'city')).toMatchObject({ value: null, status: 'noData' });
  });

  it('given an approved report, when resubmitted or reviewed again, then 409 and the approved numbers stay', async () => {
    expect((await submit('dh.intake', { period: '2026', regionId: east, values: { inspected: 1, bridges: 12 } })).status).toBe(409);
    const [report] = await reportsInDb(east);
    expect((await review(report!.id, false)).status).toBe(409);
    expect(report!.values).toEqual({ inspected: 9, bridges: 12 });
  });

  it('given a report, when the person who submitted it reviews it, then 422: nobody approves their own numbers', async () => {
    const own = (await (await submit('admin', { period: '2025', values: { inspected: 3, bridges: 4 } })).json()) as ReportOutput;
    const res = await review(own.id, true, 'admin');
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields).toEqual([{ field: 'approved', message: '不能审核自己上报的数据' }]);
  });

  it('given a rejected report, when resubmitted, then it is pending again and a reviewer of another city cannot see it', async () => {
    const first = (await (await submit('cc.dispatcher1', { period: '2026', values: { inspected: 30, bridges: 40 } })).json()) as ReportOutput;
    expect((await review(first.id, false)).status).toBe(200);
    const again = await submit('cc.dispatcher1', { period: '2026', values: { inspected: 32, bridges: 40 } });
    expect(again.status).toBe(201);
    expect((await again.json()) as ReportOutput).toMatchObject({ id: first.id, status: 'submitted', reviewComment: null });
    expect((await review(first.id, true, 'other.admin')).status).toBe(404);
  });

  it('given reports of several districts, when 东湖区 staff list them, then they see only 东湖区\'s; every step was audited', async () => {
    const list = (await (await t.request('GET', '/api/v1/indicator-reports', { token: await t.tokenFor('dh.intake') })).json()) as { items: ReportOutput[] };
    expect(list.items.map((r) => r.regionId)).toEqual([east]);
    const [report] = await reportsInDb(east);
    expect((await t.auditFor(report!.id)).map((a) => a.action)).toEqual(['create', 'approve']);
  });

  it('given an indicator naming a data-entry form the city lacks, or one missing a field, when saved, then 422 names content.formKey', async () => {
    const admin = await t.tokenFor('admin');
    const content = (formKey: string) => ({
      code: '1-2-9', name: '桥梁测试上报', unit: '%', level: 3, parentCode: '1-2', domain: 'roads', collection: 'reported', period: 'year', formKey,
      basis: [{ key: 'inspected', name: '已检', source: 'input', min: 0 }, { key: 'total', name: '总数', source: 'input', min: 0 }],
      formula: 'PERCENT(inspected, total)',
    });
    for (const [formKey, message] of [['no-such-form', '本市没有发布该填报表单'], ['indicator-report-1-2-1', '填报表单须为每个填报项各有一个同名字段']] as const) {
      const res = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'indicator', key: `bridge-test-${formKey}`, name: '测试', content: content(formKey) } });
      expect(res.status, formKey).toBe(422);
      expect(((await res.json()) as ErrorJson).error.fields).toEqual([{ field: 'content.formKey', message }]);
    }
  });
});

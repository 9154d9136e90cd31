/**
 * 月度运行报告 (issue 4 item 7; 003 运行报告管理): November's indicators computed from cases, then the
 * report downloaded through the HTTP API and read back from the .docx (an OOXML zip, unpacked with
 * node:zlib), checking what it says, whose values it shows and who may have it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.server.ts';
import { createTestApp, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';
import { unzip } from '../testing/unzip.ts';

let t: TestApp;
let admin: string;
let demo: string;
let east: string;
let west: string;
const HOUR = 3_600_000;
// Beijing 2026-11-10 10:00 and 2026-10-10 10:00
const NOVEMBER = new Date('2026-11-10T02:00:00Z');
const OCTOBER = new Date('2026-10-10T02:00:00Z');
const NOTES = '本月重点：汛后排水设施检查\n下月计划：井盖专项整治 A&B<C>';

const decodeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const paragraphText = (xml: string) => decodeXml([...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''));

interface Report { response: Response; files: Map<string, Buffer>; xml: string; paragraphs: string[]; rows: string[][] }

async function download(query: string, token = admin, headers: Record<string, string> = {}): Promise<Report> {
  const response = await t.request('GET', `/api/v1/reports/monthly?${query}`, { token, headers });
  expect(response.status, response.status === 200 ? '' : await response.clone().text()).toBe(200);
  const files = unzip(Buffer.from(await response.arrayBuffer()));
  const xml = files.get('word/document.xml')!.toString('utf8');
  const body = xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '');
  return {
    response, files, xml,
    paragraphs: [...body.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => paragraphText(m[0])),
    rows: [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((row) => [...row[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)]
      .map((cell) => [...cell[0].matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => paragraphText(p[0])).join('\n'))),
  };
}

const rowOf = (report: Report, code: string) => report.rows.find((cells) => cells[0] === code);

async function insertCase(district: string, registeredAt: Date, status: 'closed' | 'dispatched', closedLate = false) {
  const closedAt = status === 'closed' ? new Date(registeredAt.getTime() + (closedLate ? 48 : 12) * HOUR) : null;
  await t.app.db.transaction((tx) => tx.insert(t.app.db.t.cases).values({
    id: newId(), tenantId: demo, caseNumber: `MR-${newId()}`, source: 'inspector', categoryCode: '0101', categoryKind: 'part', title: 'x', description: 'x',
    gridId: null, orgId: null, districtOrgId: district, responsibleUnitId: null, status, deadlineHours: 24, dueAt: new Date(registeredAt.getTime() + 24 * HOUR),
    processInstanceId: newId(), reportedAt: registeredAt, closedAt, updatedAt: registeredAt, registeredAt, dispatchedAt: registeredAt, handledAt: closedAt, extensionCount: 0,
  }));
}

async function insertAlarm(district: string, raisedAt: Date, severity: number, module: string, status: 'active' | 'closed' | 'resolved' | 'falseAlarm') {
  await t.app.db.transaction((tx) => tx.insert(t.app.db.t.alarms).values({
    id: newId(), tenantId: demo, ruleKey: 'gas-leak-lel', ruleVersion: 1, ruleName: 'rule', severity, highestSeverity: severity, status, sourceKind: 'device',
    sourceCode: `MR-${newId()}`, deviceId: null, facilityId: null, module, lng: null, lat: null, orgId: null, districtOrgId: district, gridId: null, value: null, values: {},
    message: 'm', raisedAt, acknowledgedAt: null, clearedAt: null, resolvedAt: status === 'resolved' || status === 'closed' ? raisedAt : null, closedAt: status === 'closed' ? raisedAt : null,
    falseAlarm: status === 'falseAlarm', caseId: null, processPending: false, processAttempts: 0, version: 1, updatedAt: raisedAt,
  }));
}

async function compute(key: string, period: string, groupBy?: 'district') {
  const response = await t.request('POST', '/api/v1/indicators/compute', { token: admin, body: { key, period, ...(groupBy ? { groupBy } : {}) } });
  expect(response.status, await response.clone().text()).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-12-01T02:00:00Z'));
  admin = await t.tokenFor('admin');
  demo = await t.tenantId('demo');
  east = await t.orgId('demo-dh');
  west = await t.orgId('demo-xl');
  // November: 东湖区 4 closed (1 late) and 1 still being handled; 西岭区 1 closed on time. October: 东湖区 2 closed, both late.
  for (const late of [false, false, false, true]) await insertCase(east, NOVEMBER, 'closed', late);
  await insertCase(east, NOVEMBER, 'dispatched');
  await insertCase(west, NOVEMBER, 'closed');
  for (let i = 0; i < 2; i++) await insertCase(east, OCTOBER, 'closed', true);
  await compute('6-1-7', '2026-10', 'district');
  for (const key of ['6-1-2', '6-1-4', '6-1-7', '6-1-8']) await compute(key, '2026-11', 'district');
  // 平台上报 without an approved report: computed, and no data.
  await compute('1-2-1', '2026');
  // November's alarms: 东湖区 three (one still open, one false), 西岭区 one; October's one is not the month's.
  await insertAlarm(east, NOVEMBER, 1, 'gas', 'active');
  await insertAlarm(east, NOVEMBER, 2, 'bridge', 'falseAlarm');
  await insertAlarm(east, NOVEMBER, 3, 'gas', 'closed');
  await insertAlarm(west, NOVEMBER, 2, 'bridge', 'resolved');
  await insertAlarm(west, OCTOBER, 1, 'gas', 'closed');
});

afterAll(() => t.close());

describe('the city\'s monthly report', () => {
  let report: Report;
  let mark: number;
  beforeAll(async () => {
    mark = await t.auditMark();
    report = await download(`period=2026-11&trend=6-1-7&notes=${encodeURIComponent(NOTES)}`);
  });

  it('given a download, when its headers are read, then it is a Word document attached under a Chinese name', () => {
    expect(report.response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const disposition = report.response.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="monthly-report-2026-11\.docx"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe('月度运行报告-示范市-2026年11月.docx');
    expect([...report.files.keys()]).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml']));
  });

  it('given the document, when read, then it opens with the title, the city, the month in Chinese and the whole city as its scope', () => {
    expect(report.paragraphs.slice(0, 3)).toEqual(['城市运行管理服务平台 月度运行报告', '示范市　2026年11月', '统计范围：全市']);
  });

  it('given November computed, when the case-handling table is read, then 按期结案率 shows 80% against ≥ 90%, missed, up 80 points on October', () => {
    const row = rowOf(report, '6-1-7')!;
    expect(row.slice(0, 7)).toEqual(['6-1-7', '按期结案率', '80%', '≥ 90%', '未达标', '↑ 80 个百分点', '—']);
    expect(row[7]).toMatch(/^实时监测\n2026-12-01 10:00$/);
  });

  it('given an indicator computed without data and one never computed, when read, then both say 无数据 — never 0 — and the source tells them apart', () => {
    const reported = rowOf(report, '1-2-1')!;
    expect(reported.slice(0, 5)).toEqual(['1-2-1', '桥梁定期检测完成覆盖率\n(2026)', '无数据', '≥ 100%', '—']);
    expect(reported[7]).toMatch(/^平台上报\n2026-/);
    const never = rowOf(report, '6-1-5')!;
    expect(never.slice(2, 3)).toEqual(['无数据']);
    expect(never[7]).toBe('实时监测\n未计算');
    expect(report.paragraphs).toContain('2. 本期尚未计算的指标（请核查数据是否按预设频率更新）');
  });

  it('given the indicator system, when its headings are read, then first-level and second-level groups head their third-level tables in code order', () => {
    const headings = report.paragraphs.filter((p) => /^\d+(-\d+)? /.test(p));
    expect(headings.slice(0, 2)).toEqual(['1 城市路网', '1-1 城市道路']);
    expect(headings).toContain('6-1 案件处置');
    expect(headings.indexOf('1-2 桥梁')).toBeGreaterThan(headings.indexOf('1-1 城市道路'));
  });

  it('given the comprehensive evaluation, when the ranking is read, then 西岭区 ranks first with full marks and 东湖区 second, and the summary says so', () => {
    const ranking = report.rows.filter((cells) => cells.length === 4 && /^\d+$/.test(cells[0]!));
    expect(ranking[0]!.slice(0, 3)).toEqual(['1', '西岭区', '6 / 91']);
    expect(ranking[1]!.slice(0, 2)).toEqual(['2', '东湖区']);
    expect(report.paragraphs).toContain('综合评价满分 91 分，西岭区以 6 分排名第一。');
  });

  it('given the trend asked for 6-1-7, when its table is read, then the 12 months up to November are listed, October 0% and November 80%, the rest 无数据', () => {
    const trend = report.rows.filter((cells) => cells.length === 2 && /^\d{4}-\d{2}$/.test(cells[0]!));
    expect(trend.map((cells) => cells[0])).toEqual(['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    expect(trend.slice(-2)).toEqual([['2026-10', '0%'], ['2026-11', '80%']]);
    expect(trend.slice(0, 10).every((cells) => cells[1] === '无数据')).toBe(true);
  });

  it('given November\'s alarms, when 报警情况 is read, then they count by severity and module, with the false and the open ones, October\'s left out', () => {
    expect(report.paragraphs).toContain('本月发生报警 4 起，其中误报 1 起；截至编制时仍有 1 起未处置完毕。');
    const severities = report.rows.filter((cells) => /级（/.test(cells[0]!));
    expect(severities).toEqual([['一级（红色）', '1'], ['二级（橙色）', '2'], ['三级（黄色）', '1'], ['四级（蓝色）', '0']]);
    const at = report.rows.findIndex((cells) => cells[0] === '监测专项');
    expect(report.rows.slice(at + 1, at + 3)).toEqual([['桥梁', '2'], ['燃气', '2']]);
  });

  it('given notes, when the 备注 section is read, then each line is a paragraph, with XML special characters kept as written', () => {
    const at = report.paragraphs.indexOf('九、备注');
    expect(report.paragraphs.slice(at + 1, at + 3)).toEqual(NOTES.split('\n'));
    expect(report.xml).toContain('A&amp;B&lt;C&gt;');
  });

  it('given the charts, when word/media is read, then it holds two PNG images of the rasteriser\'s size, and the text states what they show', () => {
    const media = [...report.files.entries()].filter(([name]) => name.startsWith('word/media/') && !name.endsWith('/'));
    expect(media).toHaveLength(2);
    for (const [name, bytes] of media) {
      expect(name).toMatch(/\.png$/);
      expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
      expect(bytes.readUInt32BE(16)).toBe(640);
    }
    expect(report.paragraphs.some((p) => p.startsWith('图 1　各区/县综合评价得分：柱自左至右依次为 西岭区、东湖区、'))).toBe(true);
    expect(report.paragraphs.some((p) => p.startsWith('图 2　按期结案率：横轴自左至右为 2025-12 至 2026-11；纵轴自 0 至 100%') && p.includes('绿色虚线为目标值 90%'))).toBe(true);
  });

  it('given the download, when the audit log is read, then the export is recorded with its month and scope', async () => {
    const entries = await t.auditSince(mark);
    expect(entries.map((e) => [e.action, e.objectType])).toEqual([['export', 'monthlyReport']]);
    expect(entries[0]!.detail).toMatchObject({ period: '2026-11', regionLevel: 'city', regionId: null, trend: '6-1-7', notes: true });
  });
});

describe('a district\'s report', () => {
  it('given 东湖区 staff, when they download November, then it is 东湖区\'s: its values, only its row in the ranking, its name in the file', async () => {
    const report = await download('period=2026-11', await t.tokenFor('dh.intake'));
    expect(report.paragraphs[2]).toBe('统计范围：东湖区');
    expect(rowOf(report, '6-1-7')!.slice(0, 3)).toEqual(['6-1-7', '按期结案率', '75%']);
    const ranking = report.rows.filter((cells) => cells.length === 4 && /^\d+$/.test(cells[0]!));
    expect(ranking.map((cells) => cells.slice(0, 2))).toEqual([['2', '东湖区']]);
    expect(decodeURIComponent(report.response.headers.get('content-disposition')!.split("UTF-8''")[1]!)).toBe('月度运行报告-示范市东湖区-2026年11月.docx');
    expect(report.paragraphs).toContain('本月发生报警 3 起，其中误报 1 起；截至编制时仍有 1 起未处置完毕。');
  });

  it('given 东湖区 staff, when they ask for 西岭区, then 403', async () => {
    const response = await t.request('GET', `/api/v1/reports/monthly?period=2026-11&district=${west}`, { token: await t.tokenFor('dh.intake') });
    expect(response.status).toBe(403);
  });

  it('given the admin, when they ask for 西岭区, then the report shows 西岭区\'s values', async () => {
    const report = await download(`period=2026-11&district=${west}`);
    expect(report.paragraphs[2]).toBe('统计范围：西岭区');
    expect(rowOf(report, '6-1-7')!.slice(0, 3)).toEqual(['6-1-7', '按期结案率', '100%']);
  });
});

describe('notes longer than a URL holds', () => {
  it('given 2000 characters of notes in a POST body, when downloaded, then all of them are in 备注; 2001 are refused naming notes', async () => {
    const notes = '井'.repeat(2000);
    const response = await t.request('POST', '/api/v1/reports/monthly', { token: admin, body: { period: '2026-11', notes } });
    expect(response.status).toBe(200);
    const xml = unzip(Buffer.from(await response.arrayBuffer())).get('word/document.xml')!.toString('utf8');
    expect(xml).toContain(`>${notes}<`);
    const tooLong = await t.request('POST', '/api/v1/reports/monthly', { token: admin, body: { period: '2026-11', notes: `${notes}井` } });
    expect(tooLong.status).toBe(422);
    expect(((await tooLong.json()) as ErrorJson).error.fields?.map((f) => f.field)).toEqual(['notes']);
  });
});

describe('who may have a report, and bad requests', () => {
  it('given a handler, who may not read indicators, when they ask for a report, then 403', async () => {
    const response = await t.request('GET', '/api/v1/reports/monthly?period=2026-11', { token: await t.tokenFor('dh.handler2') });
    expect(response.status).toBe(403);
  });

  it('given a month not written as year-month, when asked, then 422 names period in Chinese', async () => {
    for (const period of ['2026-13', '2026-1', '202611']) {
      const response = await t.request('GET', `/api/v1/reports/monthly?period=${period}`, { token: admin });
      expect(response.status).toBe(422);
      expect(((await response.json()) as ErrorJson).error.fields).toEqual([{ field: 'period', message: '报告月份须写作 年-月，如 2026-11' }]);
    }
  });

  it('given no month, when asked in English, then 422 names period in English', async () => {
    const response = await t.request('GET', '/api/v1/reports/monthly', { token: admin, headers: { 'accept-language': 'en' } });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorJson;
    expect(body.error.fields?.map((f) => f.field)).toEqual(['period']);
    expect(body.error.message).toMatch(/^Invalid data: period: /);
  });

  it('given a district that is not one, a trend that is no indicator or notes with a control character, when asked, then 422 names that field', async () => {
    const fieldOf = async (query: string) => ((await (await t.request('GET', `/api/v1/reports/monthly?period=2026-11&${query}`, { token: admin })).json()) as ErrorJson).error.fields?.[0]?.field;
    expect(await fieldOf(`district=${await t.orgId('demo-dh-lq')}`)).toBe('district');
    expect(await fieldOf('trend=6-1')).toBe('trend');
    expect(await fieldOf(`notes=${encodeURIComponent('a\u0007b')}`)).toBe('notes');
  });
});

describe('the report in English', () => {
  it('given Accept-Language en, when downloaded, then its labels are English and no data still reads as such', async () => {
    const report = await download('period=2026-11', admin, { 'accept-language': 'en' });
    expect(report.paragraphs.slice(0, 2)).toEqual(['City Operation Management Service Platform — Monthly Operation Report', 'Demo City　November 2026']);
    expect(rowOf(report, '1-2-1')![2]).toBe('No data');
    expect(decodeURIComponent(report.response.headers.get('content-disposition')!.split("UTF-8''")[1]!)).toBe('Monthly operation report - Demo City - November 2026.docx');
  });
});

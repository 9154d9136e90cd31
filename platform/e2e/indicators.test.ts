/**
 * The indicator dashboard through a real browser: a case reported and registered through the API
 * this month, then the city admin opens 指标看板, computes the period, sees 立案数 count it, and
 * opens the indicator to see its formula and the number behind it. Also at phone size.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { signIn, useBrowserSuite, waitForHydration } from './harness.ts';
import { png } from './png.ts';
import { unzip } from '../server/testing/unzip.ts';

const suite = useBrowserSuite();

async function call(method: 'GET' | 'POST', path: string, username: string, body?: unknown): Promise<Response> {
  const token = await suite.server.apiToken(username);
  return fetch(suite.server.baseUrl + path, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

beforeAll(async () => {
  const reported = await call('POST', '/api/v1/cases', 'dh.inspector1', {
    title: '井盖缺失', description: '人行道供水井盖缺失', address: '泉城路 188 号', source: 'inspector', categoryCode: 'P01001',
  });
  expect(reported.status, await reported.clone().text()).toBe(201);
  const { processInstanceId } = (await reported.json()) as { processInstanceId: string };
  const inbox = (await (await call('GET', `/api/v1/tasks?view=inbox&instanceId=${processInstanceId}`, 'cc.dispatcher1')).json()) as { id: string; elementId: string }[];
  const register = inbox.find((task) => task.elementId === 'register');
  expect(register).toBeDefined();
  const done = await call('POST', `/api/v1/tasks/${register!.id}/complete`, 'cc.dispatcher1', { formData: { decision: 'register' }, comment: '属实，立案' });
  expect(done.status, await done.clone().text()).toBe(200);
});

describe('browser: indicators', () => {
  it('given a case registered this month, when the admin computes the period on 指标看板, then 立案数 shows it and 按期结案率 shows no data', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.getByTestId('main-menu').getByText('指标看板').click();
    await p.waitForURL((url) => url.pathname === '/indicators');
    await waitForHydration(p);
    await p.getByTestId('compute-indicators').click();
    const registered = p.locator('[data-testid="indicator-card"][data-code="6-1-1"]');
    await registered.getByTestId('indicator-value').getByText('1', { exact: true }).waitFor();
    expect(await registered.innerText()).toContain('立案数');
    const onTime = p.locator('[data-testid="indicator-card"][data-code="6-1-7"]');
    await onTime.getByText('暂无数据').waitFor();
    expect(await p.locator('[data-testid="indicator-card"]').count()).toBe(47);
  });

  it('given the computed period, when the admin opens 指标看板, then the districts panel maps and ranks the chosen indicator and the cards draw their trend', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.goto('/indicators?domain=cases');
    await waitForHydration(p);
    const panel = p.getByTestId('indicator-district-panel');
    await panel.getByTestId('choropleth-legend').waitFor();
    await panel.locator('[data-testid="grid-map"] .leaflet-overlay-pane path').first().waitFor({ state: 'attached' });
    await panel.getByTestId('district-panel-ranking').locator('canvas').waitFor();
    await panel.getByTestId('district-panel-indicator').click();
    await p.locator('.ant-select-item-option').getByText('6-1-1 立案数').click();
    // 立案数 this month: the case registered before the suite counts for 东湖区.
    const registered = p.locator('[data-testid="indicator-card"][data-code="6-1-1"]');
    expect(Number(await registered.getByTestId('indicator-trend').getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
  });

  it('given the computed period, when the admin picks 绩效评价 and then 城市路网, then only that domain\'s indicators show, coloured by their target', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.goto('/indicators');
    await waitForHydration(p);
    await p.getByTestId('indicator-domains').getByText('绩效评价', { exact: true }).click();
    await p.waitForURL((url) => url.searchParams.get('domain') === 'cases');
    const cards = p.locator('[data-testid="indicator-card"]');
    await p.locator('[data-testid="indicator-card"][data-code="1-1-1"]').waitFor({ state: 'detached' });
    const caseCodes = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-code') ?? ''));
    expect(caseCodes).toHaveLength(11);
    expect(caseCodes.every((code) => code.startsWith('6-1-'))).toBe(true);
    // 准确立案率: the one registered case was not voided → 100 % against ≥ 95 %: 良好, with the colour rule.
    const accurate = p.locator('[data-testid="indicator-card"][data-code="6-1-2"]');
    expect(await accurate.getAttribute('data-status')).toBe('good');
    expect(await accurate.getByTestId('indicator-status').innerText()).toBe('良好');
    // No data, no colour.
    expect(await p.locator('[data-testid="indicator-card"][data-code="6-1-7"]').getAttribute('data-status')).toBe('none');
    await p.getByTestId('indicator-domains').getByText('城市路网', { exact: true }).click();
    await p.waitForURL((url) => url.searchParams.get('domain') === 'roads');
    await p.locator('[data-testid="indicator-card"][data-code="6-1-2"]').waitFor({ state: 'detached' });
    const roadCodes = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-code') ?? ''));
    expect(roadCodes.length).toBeGreaterThan(0);
    expect(roadCodes.every((code) => code.startsWith('1-'))).toBe(true);
  });

  it('given the computed period, when the admin opens 立案数, then the page shows its formula, the basis number and the history chart', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.goto('/indicators/6-1-1');
    await waitForHydration(p);
    expect(await p.getByTestId('indicator-formula').innerText()).toBe('registered');
    expect(await p.getByTestId('basis-registered').innerText()).toBe('1');
    await p.getByTestId('indicator-history').locator('canvas').waitFor();
    // The districts coloured by their value, drawn from the seeded grids.
    await p.getByTestId('choropleth-legend').waitFor();
    await p.locator('[data-testid="grid-map"][data-ready="true"] .leaflet-overlay-pane path').first().waitFor({ state: 'attached' });
  });

  it('given the computed period, when the admin opens 综合评价, then every district is ranked out of the full score', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.getByTestId('main-menu').getByText('综合评价').click();
    await p.waitForURL((url) => url.pathname === '/evaluation');
    await waitForHydration(p);
    const table = p.getByTestId('evaluation-table');
    await table.getByText('满分 91').first().waitFor();
    await table.getByText('东湖区').first().waitFor();
    expect(await table.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    await p.getByTestId('evaluation-chart').locator('canvas').waitFor();
  });

  it('given the computed period, when the admin exports 导出月报 with a note, then the browser downloads this month\'s report under its Chinese name', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.goto('/indicators');
    await waitForHydration(p);
    // The dashboard opens on the current month in Beijing time, and so does the export.
    const [year, month] = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date()).split('-').map(Number);
    await p.getByTestId('monthly-report-export').click();
    await p.getByTestId('monthly-report-notes').fill('本月运行平稳，井盖缺失已处置');
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('monthly-report-download').click()]);
    expect(download.suggestedFilename()).toBe(`月度运行报告-示范市-${year}年${month}月.docx`);
    const xml = unzip(await readFile(await download.path())).get('word/document.xml')!.toString('utf8');
    expect(xml).toContain('城市运行管理服务平台 月度运行报告');
    expect(xml).toContain('本月运行平稳，井盖缺失已处置');
    // 立案数 of the case registered in beforeAll, as the dashboard shows it.
    expect(xml).toMatch(/<w:t[^>]*>6-1-1<\/w:t>(?:(?!<\/w:tr>)[\s\S])*<w:t[^>]*>1 件<\/w:t>/);
  });

  it('given a phone-sized screen, when 指挥中心 opens the dashboard, then the cards stack and the page does not scroll sideways', async () => {
    const p = await suite.openPage();
    await signIn(p, 'cc.dispatcher1');
    // Signed in at desktop size (signIn waits for the side menu, which a phone keeps in a drawer).
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto('/indicators');
    await waitForHydration(p);
    await p.locator('[data-testid="indicator-card"]').first().waitFor();
    expect(await p.getByTestId('compute-indicators').count()).toBe(0);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

describe('browser: field inspection on a phone', () => {
  // Every grid drawn, so the inspector's own grids are among them whatever the draw.
  it('given grids drawn for 4-2-1, when 东湖区\'s inspector records a point in a grid on a phone, then the task is done and the point counts', async () => {
    const drawn = await call('POST', '/api/v1/indicators/4-2-1/inspections', 'admin', { period: '2026-Q4', perDistrict: 100 });
    expect(drawn.status, await drawn.clone().text()).toBe(201);
    const p = await suite.openPage();
    await signIn(p, 'dh.inspector1');
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto('/inspections');
    await waitForHydration(p);
    const row = p.getByTestId('inspection-row').first();
    await row.getByText('待考察').waitFor();
    await row.getByRole('link').click();
    await p.waitForURL((url) => url.pathname.startsWith('/inspections/'));
    await waitForHydration(p);
    const taskId = new URL(p.url()).pathname.split('/').pop()!;
    await p.getByTestId('point-name').fill('泉城路 1 号井盖');
    // A tap in the middle of the grid drawn on the map, as a finger would.
    const map = p.locator('[data-testid="grid-map"][data-ready="true"]');
    await map.scrollIntoViewIfNeeded();
    const box = (await map.locator('.leaflet-overlay-pane path').first().boundingBox())!;
    await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await p.getByTestId('inspection-point').getByText('否').last().click();
    await p.getByTestId('photo-upload').locator('input[type="file"]').setInputFiles({ name: '井盖.png', mimeType: 'image/png', buffer: png() });
    await p.getByTestId('photo-upload').locator('.ant-upload-list-item-done').waitFor();
    await p.getByTestId('inspection-submit').click();
    await p.waitForURL((url) => url.pathname === '/inspections');
    const tasks = (await (await call('GET', '/api/v1/inspection-tasks?status=done', 'admin')).json()) as { items: { id: string; points: { checks: Record<string, boolean>; photoIds?: string[] }[] }[] };
    const done = tasks.items.find((task) => task.id === taskId);
    expect(done?.points).toHaveLength(1);
    expect(Object.values(done!.points[0]!.checks).filter((answer) => !answer)).toHaveLength(1);
    expect(done!.points[0]!.photoIds).toHaveLength(1);
    // The done task shows the photo, drawn by the browser from the server.
    await p.goto(`/inspections/${taskId}`);
    const photo = p.getByTestId('inspection-photo').locator('img');
    await photo.waitFor();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(16);
  });

  it('given the city admin on 实地考察, when they draw one grid per district for 5-1-1 in the browser, then each district gets one distributed task', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.goto('/inspections');
    await waitForHydration(p);
    await p.getByTestId('inspection-sample').click();
    await p.getByTestId('sample-indicator').click();
    await p.locator('.ant-select-item-option').getByText('5-1-1 城市市政消火栓完好率').click();
    await p.getByTestId('sample-period').fill('2026-Q3');
    await p.getByTestId('sample-per-district').fill('1');
    await p.locator('.ant-modal-footer .ant-btn-primary').click();
    // The modal closes once the server has drawn and distributed the grids.
    await p.locator('.ant-modal-wrap').waitFor({ state: 'hidden', timeout: 60_000 });
    type Listed = { items: { period: string; districtOrgId: string; assigneeName: string | null }[] };
    const q3 = async () => ((await (await call('GET', '/api/v1/inspection-tasks?key=5-1-1', 'admin')).json()) as Listed).items.filter((task) => task.period === '2026-Q3');
    await expect.poll(async () => (await q3()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    const listed = { items: await q3() };
    const drawn = listed.items.filter((task) => task.period === '2026-Q3');
    expect(drawn.length).toBeGreaterThanOrEqual(3);
    expect(new Set(drawn.map((task) => task.districtOrgId)).size).toBe(drawn.length);
    expect(drawn.every((task) => task.assigneeName !== null)).toBe(true);
  });

  it('given an open task distributed to 张小龙, when the city admin reassigns it to 待分配 in the browser, then the list and the API say so', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.goto('/inspections');
    await waitForHydration(p);
    // Open tasks come first: the first of 张小龙's on the first page.
    const first = p.getByTestId('inspection-row').filter({ has: p.getByTestId('inspection-assignee-name').getByText('张小龙') }).first();
    const href = (await first.getByRole('link').getAttribute('href'))!;
    const task = { id: href.split('/').pop()! };
    const row = p.getByTestId('inspection-row').filter({ has: p.locator(`a[href="${href}"]`) });
    await row.getByTestId('inspection-assign').click();
    await p.getByTestId('inspection-assignee').click();
    // 龙泉街道's grid: only 张小龙 is an inspector there, so the choice is him or nobody.
    await p.locator('.ant-select-item-option').getByText('待分配').click();
    await p.getByRole('button', { name: '分 配' }).or(p.getByRole('button', { name: '分配' })).last().click();
    await row.getByTestId('inspection-assignee-name').getByText('待分配').waitFor();
    const after = (await (await call('GET', '/api/v1/inspection-tasks?status=open', 'admin')).json()) as { items: { id: string; assigneeId: string | null }[] };
    expect(after.items.find((item) => item.id === task.id)?.assigneeId).toBeNull();
  });
});

describe('browser: 平台上报', () => {
  it('given 东湖区 staff reporting 1-2-1, when more bridges are inspected than exist, then the field says so; when corrected, then it waits for review and the admin approves it', async () => {
    const p = await suite.openPage();
    await signIn(p, 'dh.intake');
    await p.getByTestId('main-menu').getByText('指标上报').click();
    await p.waitForURL((url) => url.pathname === '/indicator-reports');
    await waitForHydration(p);
    await p.getByTestId('report-period').fill('2026');
    // The indicator's data-entry form (a form.io form of the template) renders the inputs.
    const field = (key: string) => p.locator(`[data-testid="report-formio"] input[name="data[${key}]"]`);
    await field('inspected').fill('12');
    await field('bridges').fill('10');
    await p.getByTestId('report-submit').click();
    await p.getByTestId('report-form').getByText('完成定检的桥梁数不能多于桥梁总数').first().waitFor();
    await field('inspected').fill('9');
    await p.getByTestId('report-submit').click();
    await p.getByTestId('report-table').getByText('待审核').waitFor();
    await suite.closePage();

    const admin = await suite.openPage();
    await signIn(admin, 'admin');
    await admin.goto('/indicator-reports');
    await waitForHydration(admin);
    await admin.getByTestId('report-approve').first().click();
    await admin.getByTestId('report-table').getByText('已通过').waitFor();
  });
});

describe('browser: 指标库', () => {
  it('given the city admin on 指标库, when a formula with a typo is saved, then the field says where; when the score is changed and published with a comment, then the library shows v2 with it', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.getByTestId('main-menu').getByText('指标库').click();
    await p.waitForURL((url) => url.pathname === '/indicator-library');
    await waitForHydration(p);
    const row = p.locator('[data-testid="indicator-library"] tr').filter({ has: p.getByRole('link', { name: '5-1-1', exact: true }) });
    await row.getByTestId('library-edit').click();
    const formula = p.getByTestId('library-formula');
    await formula.fill('PERCENT(hydrants.passed, hydrants.totl)');
    await p.getByTestId('library-save').click();
    await p.getByTestId('library-form').getByText(/第 1 行第 \d+ 列/).waitFor();
    await formula.fill('PERCENT(hydrants.passed, hydrants.total)');
    await p.getByTestId('library-score').fill('4');
    await p.getByTestId('library-save').click();
    await row.getByTestId('library-draft').waitFor();
    await row.getByTestId('library-publish').click();
    await p.getByTestId('library-comment').fill('消火栓分值调整为 4 分');
    await p.locator('.ant-modal-footer .ant-btn-primary').click();
    await row.getByTestId('library-draft').waitFor({ state: 'detached' });
    await row.getByText('v2').waitFor();
    expect(await row.getByTestId('library-row-score').innerText()).toBe('4');
  });
});

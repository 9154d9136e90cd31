/**
 * The case pages through a real browser: an inspector on a phone reports a case (category from
 * the tree, a tap on the map for the location, a photo taken and uploaded at once), lands on the
 * case's page with its number, the photo and 受理立案 waiting; then 指挥中心's dispatcher finds
 * it in 案件管理 by filtering on its status; then the closed loop runs through the stage forms in
 * the browser — 受理立案, 派遣 (unit from the city's option source), 处置 (photo after), 核查, 结案.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, useBrowserSuite, waitForHydration } from './harness.ts';
import { png } from './png.ts';

const suite = useBrowserSuite();

/** The case the first test reports, for the second. */
let reported: { id: string; caseNumber: string };

/** Clicks the middle of the first grid drawn on the map (grids are rectangles), as a finger would. */
async function tapFirstGrid(p: Page): Promise<void> {
  const map = p.locator('[data-testid="grid-map"][data-ready="true"]');
  await map.scrollIntoViewIfNeeded();
  const grid = map.locator('.leaflet-overlay-pane path').first();
  await grid.waitFor({ state: 'attached' });
  const box = await grid.boundingBox();
  if (!box) throw new Error('the first grid is not drawn');
  await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

// The tests run in order on one server: the second looks for the case the first reported.
describe('browser: cases', () => {
  it('given an inspector on a phone, when they report a case with a tapped location and a photo, then its page shows the number, the photo and 受理立案 waiting', async () => {
    const p = await suite.openPage();
    await signIn(p, 'dh.inspector1');
    // Signed in at desktop size (signIn waits for the side menu, which a phone keeps in a drawer).
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto('/cases/new');
    await waitForHydration(p);

    await p.getByTestId('case-source').getByText('监督员上报').waitFor();
    await p.locator('#categoryCode').click();
    await p.locator('#categoryCode').fill('供水井盖');
    await p.locator('.ant-select-tree-node-content-wrapper[title="供水井盖"]').click();
    await p.locator('#title').fill('供水井盖破损');
    await p.locator('#description').fill('人行道上供水井盖破损，有行人绊倒的危险');
    await p.locator('#address').fill('龙泉路 66 号');
    await tapFirstGrid(p);
    await p.getByTestId('case-point').waitFor();

    await p.getByTestId('photo-upload').locator('input[type="file"]').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: png() });
    await p.getByTestId('photo-upload').locator('.ant-upload-list-item-done').waitFor();
    await p.getByTestId('case-submit').click();
    await p.waitForURL((url) => /^\/cases\/[0-9a-f-]{36}$/.test(url.pathname));
    await waitForHydration(p);

    const id = new URL(p.url()).pathname.split('/').pop() as string;
    const res = await suite.server.api(`/api/v1/cases/${id}`, await suite.server.apiToken('admin'));
    const saved = (await res.json()) as { caseNumber: string; gridId: string | null; location: unknown; attachments: { id: string; stage: string }[] };
    reported = { id, caseNumber: saved.caseNumber };
    expect(await p.getByTestId('case-number').innerText()).toBe(saved.caseNumber);
    expect(saved.gridId).not.toBeNull();
    expect(saved.attachments.map((a) => a.stage)).toEqual(['before']);

    const photo = p.getByTestId('case-photos-before').locator(`[data-attachment-id="${saved.attachments[0].id}"] img`);
    await photo.waitFor();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(16);
    const register = p.locator('[data-testid="case-step"][data-element-id="register"]');
    await register.getByText('受理立案').waitFor();
    expect(await register.getAttribute('data-status')).toBe('open');
    await register.getByText('待签收').waitFor();
    await p.getByTestId('case-status').getByText('待受理').waitFor();

    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('given the reported case, when 指挥中心’s dispatcher filters 案件管理 by 待受理, then the case is listed with its status', async () => {
    const p = await suite.openPage();
    await signIn(p, 'cc.dispatcher1');
    await p.getByTestId('main-menu').getByText('案件管理').click();
    await p.waitForURL((url) => url.pathname === '/cases');
    await waitForHydration(p);

    await p.getByTestId('case-filter-status').click();
    await p.locator('.ant-select-item-option[title="待受理"]').click();
    await p.waitForURL((url) => url.searchParams.get('status') === 'reported');
    const row = p.getByTestId('case-table').locator('tr', { has: p.getByRole('link', { name: reported.caseNumber }) });
    await row.getByText('待受理').waitFor();
    await row.getByRole('link', { name: reported.caseNumber }).click();
    await p.waitForURL((url) => url.pathname === `/cases/${reported.id}`);
    await p.getByTestId('case-open-tasks').getByRole('button', { name: '受理立案' }).waitFor();
  });

  it('given the reported case, when 指挥中心 registers and dispatches it to a unit, the unit handles it with a photo, the inspector verifies it and 指挥中心 closes it, then every step was done in the browser and the case is closed with its photo after handling', async () => {
    /** Signs in, opens the case, takes the named waiting step and completes it with what `fill` enters. */
    const completeStep = async (username: string, step: string, fill?: (p: Page) => Promise<void>) => {
      const p = await suite.openPage();
      await signIn(p, username);
      await p.goto(`/cases/${reported.id}`);
      await waitForHydration(p);
      await p.getByTestId('case-open-tasks').getByRole('button', { name: step }).click();
      await p.waitForURL((url) => url.pathname.startsWith('/tasks/'));
      await waitForHydration(p);
      await p.getByTestId('task-name').getByText(step).waitFor();
      if (fill) await fill(p);
      await p.getByTestId('task-submit').click();
      await p.waitForURL((url) => url.pathname === '/tasks');
      await suite.closePage();
    };
    const form = (p: Page) => p.getByTestId('task-form');

    // 受理立案: the form's default answer is 立案.
    await completeStep('cc.dispatcher1', '受理立案', async (p) => { await form(p).getByText('立案', { exact: true }).waitFor(); });
    // 派遣: the unit comes from the city's own responsible units (the form's option source).
    await completeStep('cc.dispatcher1', '派遣', async (p) => {
      await form(p).locator('.formio-component-responsibleUnitId .choices').click();
      await form(p).locator('.formio-component-responsibleUnitId .choices__item--choice', { hasText: '龙泉街道综合执法中队' }).click();
    });
    // 处置: done, with a photo after handling and an opinion.
    await completeStep('dh.handler2', '处置', async (p) => {
      await p.getByTestId('task-photos').locator('input[type="file"]').setInputFiles({ name: '处置后.png', mimeType: 'image/png', buffer: png(8) });
      await p.getByTestId('task-photos').locator('.ant-upload-list-item-done').waitFor();
      await p.getByTestId('task-comment').fill('已更换井盖');
    });
    // 核查: passed.
    await completeStep('dh.inspector1', '核查', async (p) => { await form(p).getByText('通过，问题已解决').click(); });
    await completeStep('cc.dispatcher1', '结案');

    const saved = (await (await suite.server.api(`/api/v1/cases/${reported.id}`, await suite.server.apiToken('admin'))).json()) as { status: string; attachments: { stage: string }[]; timeline: { elementId: string; comment: string | null }[] };
    expect(saved.status).toBe('closed');
    expect(saved.attachments.map((a) => a.stage)).toEqual(['before', 'after']);
    expect(saved.timeline.map((s) => s.elementId)).toEqual(['reported', 'register', 'dispatch', 'handle', 'verify', 'close', 'closed']);
    expect(saved.timeline.find((s) => s.elementId === 'handle')?.comment).toBe('已更换井盖');

    const p = await suite.openPage();
    await signIn(p, 'cc.dispatcher1');
    await p.goto(`/cases/${reported.id}`);
    await p.getByTestId('case-status').getByText('已结案').waitFor();
  });
});

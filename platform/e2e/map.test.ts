/**
 * The demo's monitoring loop through a real browser (issue 5, "done when"): the city admin opens
 * 一张图 with the simulator running, injects a manhole-cover opening into a demo device, and the
 * alarm appears on the map within seconds; the template's rule has opened a case for it, which
 * the case list shows. Also at phone size.
 */
import { describe, expect, it } from 'vitest';
import { signIn, useBrowserSuite, waitForHydration } from './harness.ts';

const suite = useBrowserSuite();

interface Device { id: string; code: string; typeKey: string; status: string }
interface Alarm { id: string; deviceId: string | null; caseId: string | null; status: string; ruleKey: string }

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  const token = await suite.server.apiToken('admin');
  return fetch(suite.server.baseUrl + path, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('browser: 一张图', () => {
  it('given the simulator, when a manhole cover is opened, then its alarm shows on the map within seconds and a case is opened for it', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.getByTestId('main-menu').getByText('一张图').click();
    await p.waitForURL((url) => url.pathname === '/map');
    await waitForHydration(p);
    const map = p.locator('[data-testid="one-map"][data-ready="true"]');
    await map.waitFor();
    expect(Number(await map.getAttribute('data-devices'))).toBeGreaterThan(50);
    const before = Number(await map.getAttribute('data-alarms'));

    const devices = ((await (await call('GET', '/api/v1/devices?typeKey=manholeCoverSensor')).json()) as { items: Device[] }).items;
    const cover = devices.find((d) => d.status === 'active')!;
    const injected = await call('POST', '/api/v1/simulator/anomalies', { deviceCode: cover.code, kind: 'manholeOpen' });
    expect(injected.status, await injected.clone().text()).toBe(201);
    const started = Date.now();
    await p.waitForFunction((count) => Number(document.querySelector('[data-testid="one-map"]')?.getAttribute('data-alarms')) > count, before, { timeout: 30_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(20);

    const alarms = ((await (await call('GET', `/api/v1/alarms?status=open&deviceId=${cover.id}`)).json()) as { items: Alarm[] }).items;
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ ruleKey: 'manhole-cover-abnormal', status: 'handling' });
    expect(alarms[0]!.caseId).toBeTruthy();
    await p.goto(`/cases/${alarms[0]!.caseId}`);
    await waitForHydration(p);
    await p.getByText('井盖').first().waitFor();

    // 报警管理: the alarm is 处置中 with its case, which resolves it when it ends: only 标记误报 is offered.
    await p.goto('/alarms');
    await waitForHydration(p);
    await p.getByTestId('alarms-page').getByText(cover.code).first().waitFor();
    await p.goto(`/alarms/${alarms[0]!.id}`);
    await waitForHydration(p);
    expect(await p.getByTestId('alarm-status').innerText()).toBe('处置中');
    expect(await p.getByTestId('alarm-resolve').count()).toBe(0);
    await p.getByTestId('alarm-markFalse').waitFor();
  });

  it('given a bridge strain spike (a rule that opens no case), when staff follow it, then they acknowledge, resolve and close it in 报警管理', async () => {
    const devices = ((await (await call('GET', '/api/v1/devices?typeKey=bridgeStaticMonitor')).json()) as { items: Device[] }).items;
    const bridge = devices.find((d) => d.status === 'active')!;
    expect((await call('POST', '/api/v1/simulator/anomalies', { deviceCode: bridge.code, kind: 'bridgeStrain', durationMinutes: 1 })).status).toBe(201);
    let alarm: Alarm | undefined;
    for (let i = 0; i < 60 && !alarm; i++) {
      alarm = ((await (await call('GET', `/api/v1/alarms?status=open&deviceId=${bridge.id}`)).json()) as { items: Alarm[] }).items[0];
      if (!alarm) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(alarm).toMatchObject({ ruleKey: 'bridge-strain-spike', status: 'active' });
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.goto(`/alarms/${alarm!.id}`);
    await waitForHydration(p);
    await p.getByTestId('alarm-acknowledge').click();
    await p.getByTestId('alarm-status').getByText('已确认').waitFor();
    await p.getByTestId('alarm-resolve').click();
    await p.getByTestId('alarm-status').getByText('已解除').waitFor();
    await p.getByTestId('alarm-close').click();
    await p.getByTestId('alarm-status').getByText('已关闭').waitFor();
  });

  it('given a phone, when the admin opens 一张图, then the map fills the width and the filters are there', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto('/map');
    await waitForHydration(p);
    const box = await p.locator('[data-testid="one-map"][data-ready="true"]').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    await p.getByTestId('map-module').waitFor();
  });
});

/**
 * 插件管理 through a real browser: the city admin sees the built-in plugins loaded — the embedded
 * MQTT broker started, the simulator on in the demo — with what each registered; a district
 * administrator (who reads parameters) sees the page, a dispatcher is not offered it.
 */
import { describe, expect, it } from 'vitest';
import { signIn, useBrowserSuite, waitForHydration } from './harness.ts';

const suite = useBrowserSuite();

describe('browser: 插件管理', () => {
  it('given the demo, when the admin opens 插件管理 from the menu, then device-http, device-mqtt and the simulator are active with their registrations', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.getByTestId('main-menu').getByText('插件管理').click();
    await p.waitForURL((url) => url.pathname === '/plugins');
    await waitForHydration(p);
    for (const id of ['device-http', 'device-mqtt', 'simulator', 'rainfall']) {
      expect(await p.getByTestId(`plugin-status-${id}`).innerText(), id).toContain('已启用');
    }
    const table = await p.getByTestId('plugins-table').innerText();
    expect(table).toContain('POST /api/v1/plugins/device-http/telemetry');
    expect(table).toContain('rainfall.grade');
    expect(table).toContain('telemetry');
  });

  it('given a dispatcher, when they look for 插件管理, then the menu does not offer it and the page refuses them', async () => {
    const p = await suite.openPage();
    await signIn(p, 'cc.dispatcher1');
    expect(await p.getByTestId('main-menu').getByText('插件管理').count()).toBe(0);
    // The browser's own session, as a request (a refused navigation would count as a page error).
    expect((await p.request.get('/plugins')).status()).toBe(403);
  });
});

/**
 * The foundation through a real browser: sign-in, the organisation tree, data scope on the
 * people list, and the language switch. One server and one Chromium for the file; a fresh
 * browser context (cookies) per test.
 */
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { loginForm, signIn, useBrowserSuite } from './harness.ts';

const suite = useBrowserSuite();



/** Picks `label` in the antd Select of the form item that holds the field `field`, and checks it took. */
async function choose(form: Locator, field: string, label: string): Promise<void> {
  const p = form.page();
  const item = form.locator('.ant-form-item', { has: p.locator(`#${field}`) });
  await item.locator('.ant-select').click();
  const dropdown = p.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)', { has: p.locator(`#${field}_list`) });
  await dropdown.locator(`.ant-select-item-option[title="${label}"]`).click();
  await item.locator(`.ant-select-content[title="${label}"]`).waitFor();
}

describe('browser: foundation', () => {
  it('given a wrong password, when signing in, then the login page shows the error and no session starts', async () => {
    const p = await suite.openPage();
    await p.goto('/login');
    await p.locator('#username').fill('admin');
    await p.locator('#password').fill('Wrong@Pass2026');
    await loginForm(p).locator('button[type="submit"]').click();
    await p.getByTestId('login-error').waitFor();
    expect(new URL(p.url()).pathname).toBe('/login');
  });

  it('given the city admin, when creating a department under 东湖区 in 机构配置, then it appears in the tree', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.getByTestId('main-menu').getByText('机构配置').click();
    await p.waitForURL((url) => url.pathname === '/organisations');
    const tree = p.getByTestId('org-tree');
    await tree.locator('.ant-tree-title', { hasText: /^东湖区\s/ }).click();
    await p.waitForURL((url) => url.searchParams.has('id'));
    // The create form re-targets the selected node: a district's children default to 街道.
    const form = p.getByTestId('org-create-form');
    await form.locator('.ant-select-content[title="街道"]').waitFor();
    await form.getByTestId('org-name-input').fill('东湖区数字城管科');
    await form.getByTestId('org-code-input').fill('demo-dh-szcg');
    await choose(form, 'level', '部门');
    await choose(form, 'kind', '部门');
    await form.getByTestId('org-submit').click();

    await tree.getByText('东湖区数字城管科').first().waitFor();
    const token = await suite.server.apiToken('admin');
    const list = (await (await suite.server.api('/api/v1/organisations?q=demo-dh-szcg', token)).json()) as { code: string; level: string; path: string }[];
    expect(list).toEqual([expect.objectContaining({ code: 'demo-dh-szcg', level: 'department' })]);
  });

  it('given the 东湖区 admin, when opening 人员配置, then only 东湖区 people are listed and a 西岭区 person is refused', async () => {
    const p = await suite.openPage();
    await signIn(p, 'dh.admin');
    await p.getByTestId('main-menu').getByText('人员配置').click();
    await p.waitForURL((url) => url.pathname === '/users');
    const table = p.getByTestId('users-table');
    await table.getByText('dh.admin', { exact: true }).first().waitFor();
    const text = await table.innerText();
    // Usernames carry their district: xl.* (西岭区), gx.* (高新区), cc.* (the city's command centre).
    expect(text).not.toMatch(/\b(xl|gx|cc)\.[a-z]/);
    expect(text).not.toContain('xl.admin');

    const adminToken = await suite.server.apiToken('admin');
    const found = (await (await suite.server.api('/api/v1/users?q=xl.admin', adminToken)).json()) as { items: { id: string; username: string }[] };
    const xlAdmin = found.items.find((u) => u.username === 'xl.admin');
    expect(xlAdmin).toBeDefined();
    // The browser's own session cookie, not a token: the page's request context shares it.
    const viaSession = await p.request.get(`/api/v1/users/${xlAdmin!.id}`);
    expect([403, 404]).toContain(viaSession.status());
    const ownDistrict = await p.request.get('/api/v1/users?q=dh.admin');
    expect(ownDistrict.status()).toBe(200);
  });

  it('given the Chinese interface, when clicking the English switch, then the menu is shown in English', async () => {
    const p = await suite.openPage();
    await signIn(p, 'admin');
    const menu = p.getByTestId('main-menu');
    await menu.getByText('机构配置').waitFor();
    await p.getByTestId('locale-switch').click();
    await menu.getByText('Organisations').waitFor();
    expect(await menu.getByText('机构配置').count()).toBe(0);
    expect(await p.getByTestId('locale-switch').innerText()).toBe('中文');
  });
});

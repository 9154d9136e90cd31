/**
 * 流程设计器 in a real browser (issue 6 items 1, 4, 5): the city admin opens the standard case
 * process in the bpmn-js modeler with a Chinese palette, adds a task, undoes and redoes it, saves —
 * a new draft version, the published one untouched — and every model of the BPMN MIWG reference
 * suite goes through the modeler (import, export) without losing a semantic element. Someone
 * without design rights is refused the page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BpmnModdle } from 'bpmn-moddle';
import { tgModdleDescriptor } from '@tongguan/runtime/bpmn/parse/tg-moddle';
import { signIn, useBrowserSuite, waitForHydration } from './harness.ts';

const suite = useBrowserSuite();
const MIWG = process.env.BPMN_MIWG_DIR ?? resolve(import.meta.dirname, '../../../shared/corpora/bpmn-miwg');

async function call(method: 'GET' | 'POST', path: string, username: string, body?: unknown): Promise<Response> {
  const token = await suite.server.apiToken(username);
  return fetch(suite.server.baseUrl + path, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Every semantic element (not diagram interchange) with an id, as `type#id`. */
async function semanticElements(xml: string): Promise<string[]> {
  const moddle = new BpmnModdle({ tg: tgModdleDescriptor });
  const { rootElement } = await moddle.fromXML(xml);
  const seen = new Set<object>();
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) { node.forEach(walk); return; }
    const element = node as { $type?: string; id?: unknown } & Record<string, unknown>;
    if (typeof element.$type === 'string' && /^(bpmndi|dc|di):/.test(element.$type)) return;
    if (typeof element.$type === 'string' && typeof element.id === 'string') out.add(`${element.$type}#${element.id}`);
    for (const [key, value] of Object.entries(element)) if (!key.startsWith('$')) walk(value);
  };
  walk(rootElement);
  return [...out].sort();
}

async function caseProcessId(): Promise<string> {
  const list = (await (await call('GET', '/api/v1/definitions?kind=process&key=case-closed-loop&status=published', 'admin')).json()) as { items?: { id: string; key: string; status: string }[] } | { id: string; key: string; status: string }[];
  const items = Array.isArray(list) ? list : list.items ?? [];
  const found = items.find((d) => d.key === 'case-closed-loop' && d.status === 'published');
  if (!found) throw new Error('no published case process');
  return found.id;
}

describe('browser: 流程设计器', () => {
  it('given the published case process, when the admin adds a task, undoes, redoes and saves, then a new draft holds it and the published version is untouched', async () => {
    const id = await caseProcessId();
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.goto(`/definitions/${id}`);
    await waitForHydration(p);
    await p.getByTestId('definition-design').click();
    await p.waitForURL((url) => url.pathname === `/designer/process/${id}`);
    await p.locator('[data-testid="process-designer"][data-ready="true"]').waitFor();
    const shapes = p.locator('.djs-container .djs-element.djs-shape');
    const before = await shapes.count();
    expect(before).toBeGreaterThan(10);
    // The palette speaks Chinese.
    const createTask = p.locator('.djs-palette .entry[aria-label="创建任务"]');
    await createTask.waitFor();
    await createTask.click();
    const canvas = (await p.locator('.djs-container svg').first().boundingBox())!;
    await p.mouse.click(canvas.x + canvas.width * 0.5, canvas.y + canvas.height - 40);
    await expect.poll(() => shapes.count()).toBeGreaterThan(before);
    // A new task opens its label for typing; leave it unnamed.
    await p.keyboard.press('Escape');
    const added = await shapes.count();
    await p.getByTestId('designer-undo').click();
    await expect.poll(() => shapes.count()).toBeLessThan(added);
    await p.getByTestId('designer-redo').click();
    await expect.poll(() => shapes.count()).toBe(added);
    await p.getByTestId('designer-save').click();
    await p.waitForURL((url) => url.pathname.startsWith('/designer/process/') && !url.pathname.endsWith(id));
    const draftId = new URL(p.url()).pathname.split('/').pop()!;
    const draft = (await (await call('GET', `/api/v1/definitions/${draftId}`, 'admin')).json()) as { status: string; version: number; content: { xml: string } };
    expect(draft).toMatchObject({ status: 'draft', version: 2 });
    const published = (await (await call('GET', `/api/v1/definitions/${id}`, 'admin')).json()) as { status: string; content: { xml: string } };
    expect(published.status).toBe('published');
    // The new task is in the draft only; the case process's extension attributes survived the modeler.
    expect((await semanticElements(draft.content.xml)).filter((e) => e.startsWith('bpmn:Task#')).length).toBe(1);
    expect((await semanticElements(published.content.xml)).filter((e) => e.startsWith('bpmn:Task#')).length).toBe(0);
    expect(draft.content.xml).toContain('tg:candidateRoles="commandCenter"');
    expect(draft.content.xml).toContain('tg:escalateTo="leader"');
  });

  it('given every model of the BPMN MIWG reference suite, when imported into the modeler and exported, then no semantic element is lost', async () => {
    const files = readdirSync(MIWG).filter((f) => f.endsWith('.bpmn')).sort();
    expect(files.length).toBeGreaterThanOrEqual(20);
    const id = await caseProcessId();
    const p = await suite.openPage();
    await signIn(p, 'admin');
    await p.goto(`/designer/process/${id}`);
    await waitForHydration(p);
    await p.locator('[data-testid="process-designer"][data-ready="true"]').waitFor();
    const lost: Record<string, string[]> = {};
    let compared = 0;
    const designer = p.getByTestId('process-designer');
    for (const [i, file] of files.entries()) {
      const original = readFileSync(join(MIWG, file), 'utf8');
      await p.getByTestId('designer-import').locator('xpath=ancestor::span[contains(@class,"ant-upload")]//input[@type="file"]').setInputFiles({ name: file, mimeType: 'application/xml', buffer: Buffer.from(original) });
      await expect.poll(() => designer.getAttribute('data-imports')).toBe(String(i + 1));
      expect(await p.getByTestId('designer-problem').count(), file).toBe(0);
      const download = p.waitForEvent('download');
      await p.getByTestId('designer-export').click();
      const exported = readFileSync(await (await download).path(), 'utf8');
      const want = await semanticElements(original);
      expect(want.length, file).toBeGreaterThan(0);
      compared += want.length;
      const got = new Set(await semanticElements(exported));
      const missing = want.filter((e) => !got.has(e));
      if (missing.length) lost[file] = missing;
    }
    expect(lost).toEqual({});
    expect(compared).toBeGreaterThan(200);
  });

  it('given 东湖区 intake staff without design rights, when they open the designer, then the page refuses them', async () => {
    const id = await caseProcessId();
    const p = await suite.openPage();
    await signIn(p, 'dh.intake');
    expect((await p.request.get(`/designer/process/${id}`)).status()).toBe(403);
  });
});

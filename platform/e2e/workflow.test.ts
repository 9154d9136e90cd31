/**
 * The workflow pages through a real browser: a form and a process published through the API,
 * an instance started, then 指挥中心's dispatcher finds the task in 待办, is refused by the server
 * for an invalid form (nothing written), completes it with an opinion, finds it in 已办, and
 * sees the instance's history and diagram. The inbox is also checked at phone size.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { signIn, useBrowserSuite, waitForHydration } from './harness.ts';

// Registered first: the file's own beforeAll below arranges data on the suite's server.
const suite = useBrowserSuite();

let instanceId: string;
let taskId: string;

const FORM = {
  display: 'form',
  components: [
    { type: 'textfield', key: 'findings', label: '核查情况', input: true, validate: { required: true, maxLength: 50 } },
    { type: 'number', key: 'area', label: '面积（平方米）', input: true, validate: { min: 0 } },
  ],
};

/** A user task for 指挥中心 bound to the form above, with diagram interchange so it can be drawn. */
const PROCESS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:tg="http://tongguan.dev/schema/bpmn/1.0" id="defs" targetNamespace="http://tongguan.dev/e2e">
  <process id="e2e-check" name="现场核查流程" isExecutable="true">
    <startEvent id="start" name="上报"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <userTask id="review" name="现场核查" tg:candidateRoles="commandCenter" tg:formKey="e2e-check-form"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
    <endEvent id="end" name="结案"/>
  </process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="e2e-check">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="200" y="78" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="360" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="136" y="118"/><di:waypoint x="200" y="118"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="300" y="118"/><di:waypoint x="360" y="118"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>`;

async function post(path: string, token: string, body: unknown): Promise<Response> {
  return fetch(suite.server.baseUrl + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function publish(token: string, kind: 'form' | 'process', key: string, name: string, content: unknown): Promise<void> {
  const created = await post('/api/v1/definitions', token, { kind, key, name, content });
  expect(created.status, await created.clone().text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const published = await post(`/api/v1/definitions/${id}/publish`, token, { comment: 'e2e' });
  expect(published.status, await published.clone().text()).toBe(200);
}

async function taskStatus(): Promise<string> {
  const res = await suite.server.api(`/api/v1/tasks/${taskId}`, await suite.server.apiToken('admin'));
  return ((await res.json()) as { status: string }).status;
}

beforeAll(async () => {
  const admin = await suite.server.apiToken('admin');
  await publish(admin, 'form', 'e2e-check-form', '现场核查表', FORM);
  await publish(admin, 'process', 'e2e-check', '现场核查流程', { xml: PROCESS_XML });
  const started = await post('/api/v1/process-instances', admin, { processKey: 'e2e-check', businessKey: 'E2E-001', variables: { source: '热线' } });
  expect(started.status, await started.clone().text()).toBe(201);
  const instance = (await started.json()) as { id: string; tasks: { id: string }[] };
  instanceId = instance.id;
  taskId = instance.tasks[0].id;
});

// The tests run in order on one server: the second looks at the instance the first completed.
describe('browser: workflow', () => {
  it('given a task for 指挥中心, when the dispatcher submits an invalid form and then a valid one, then the first is refused per field and the second completes it', async () => {
    const p = await suite.openPage();
    await signIn(p, 'cc.dispatcher1');
    await p.getByTestId('main-menu').getByText('待办/已办').click();
    await p.waitForURL((url) => url.pathname === '/tasks');
    const inbox = p.getByTestId('task-table');
    await inbox.getByText('E2E-001').waitFor();
    await inbox.getByRole('link', { name: '现场核查' }).click();
    await p.waitForURL((url) => url.pathname === `/tasks/${taskId}`);
    await waitForHydration(p);
    await p.getByTestId('variables').getByText('热线').waitFor();

    const form = p.getByTestId('task-form');
    await form.locator('input[name="data[area]"]').fill('-1');
    await p.getByTestId('task-submit').click();
    const problems = p.getByTestId('task-errors');
    await problems.waitFor();
    expect(await problems.innerText()).toMatch(/核查情况[\s\S]*面积|面积[\s\S]*核查情况/);
    // The server's message sits under the form.io component, too.
    await form.locator('.formio-component-findings .formio-errors').getByText(/核查情况/).waitFor();
    expect(await taskStatus()).toBe('open');

    await form.locator('input[name="data[findings]"]').fill('已核实，占道经营');
    await form.locator('input[name="data[area]"]').fill('12');
    await p.getByTestId('task-comment').fill('情况属实，同意结案');
    await p.getByTestId('task-submit').click();
    await p.waitForURL((url) => url.pathname === '/tasks');
    expect(await taskStatus()).toBe('completed');

    await p.getByTestId('task-tabs').getByText('已办').click();
    await p.waitForURL((url) => url.searchParams.get('view') === 'done');
    await p.getByTestId('task-table').getByText('E2E-001').waitFor();
  });

  it('given the completed instance, when the dispatcher opens it, then the timeline names the opinion and the diagram marks the passed elements', async () => {
    const p = await suite.openPage();
    await signIn(p, 'cc.dispatcher1');
    await p.goto(`/processes/${instanceId}`);
    await p.getByTestId('instance-status').getByText('已结束').waitFor();
    const timeline = p.getByTestId('instance-timeline');
    await timeline.getByText('现场核查').waitFor();
    await timeline.getByText(/情况属实，同意结案/).waitFor();
    expect(await timeline.locator('[data-testid="timeline-item"]').count()).toBe(3);

    await p.locator('[data-testid="instance-diagram"][data-ready="true"]').waitFor();
    for (const elementId of ['start', 'review', 'end']) {
      const classes = await p.locator(`[data-testid="instance-diagram"] .djs-element[data-element-id="${elementId}"]`).getAttribute('class');
      expect(classes, elementId).toContain('tg-marker-completed');
    }
  });

  it('given a phone-sized screen, when the dispatcher opens 已办, then tasks are cards and the page does not scroll sideways', async () => {
    const p = await suite.openPage();
    await signIn(p, 'cc.dispatcher1');
    // Signed in at desktop size (signIn waits for the side menu, which a phone keeps in a drawer).
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto('/tasks?view=done');
    await waitForHydration(p);
    const cards = p.getByTestId('task-cards');
    await cards.getByText('现场核查', { exact: true }).waitFor();
    expect(await p.getByTestId('task-table').count()).toBe(0);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('given a process that notifies 指挥中心, when it runs, then the dispatcher sees the count on the bell, opens the notice and lands on the instance, and the notice is read', async () => {
    const admin = await suite.server.apiToken('admin');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="http://tongguan.dev/schema/bpmn/1.0" id="defs" targetNamespace="http://tongguan.dev/e2e">
  <process id="e2e-notify" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="tell"/>
    <serviceTask id="tell" tg:type="notify">
      <extensionElements><tg:config>{ "title": "CONCAT(\\"巡查提醒：\\", place)", "to": [{ "roles": ["commandCenter"] }] }</tg:config></extensionElements>
    </serviceTask>
    <sequenceFlow id="f2" sourceRef="tell" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;
    await publish(admin, 'process', 'e2e-notify', '通知流程', { xml });
    const started = await post('/api/v1/process-instances', admin, { processKey: 'e2e-notify', variables: { place: '龙泉路' } });
    expect(started.status, await started.clone().text()).toBe(201);
    const { id } = (await started.json()) as { id: string };
    const dispatcher = await suite.server.apiToken('cc.dispatcher1');
    // The server's job loop runs the notify task after the start committed.
    await expect.poll(async () => ((await (await suite.server.api('/api/v1/notifications?unread=true', dispatcher)).json()) as { unread: number }).unread, { timeout: 15_000 }).toBe(1);

    const p = await suite.openPage();
    await signIn(p, 'cc.dispatcher1');
    await waitForHydration(p);
    await p.getByTestId('notification-count').getByText('1').waitFor();
    await p.getByTestId('notification-bell').click();
    await p.getByTestId('notification-list').getByText('巡查提醒：龙泉路').click();
    await p.waitForURL((url) => url.pathname === `/processes/${id}`);
    await expect.poll(async () => ((await (await suite.server.api('/api/v1/notifications?unread=true', dispatcher)).json()) as { unread: number }).unread).toBe(0);
  });
});

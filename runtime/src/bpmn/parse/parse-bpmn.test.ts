import { describe, expect, it } from 'vitest';
import { parseBpmn } from './parse-bpmn.ts';
import { around, END, errorKeys, flow, NAMESPACES, nodeOf, onlyProcess, parse, processXml, START, warningKeys } from './testing.ts';

describe('reading the XML', () => {
  it('reports malformed XML as one problem with its 1-based line', async () => {
    const result = await parseBpmn(`<definitions ${NAMESPACES}>\n<process id="p">\n</definitions>`, { locale: 'en' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'xml.malformed', severity: 'error', line: 3 });
    expect(result.problems[0].message).toContain('line 3');
  });

  it('rejects a document whose root is not bpmn:definitions', async () => {
    const result = await parseBpmn('<?xml version="1.0"?><html/>', { locale: 'en' });
    expect(errorKeys(result)).toEqual(['xml.notBpmn@']);
  });

  it('rejects an unknown element in the BPMN namespace instead of dropping it', async () => {
    const result = await parse(around('<task id="t"/>', 't') + '<teleportEvent id="x"/>');
    expect(errorKeys(result)).toEqual(['xml.unknownElement@']);
    expect(result.ok ? '' : result.problems[0].message).toContain('bpmn:TeleportEvent');
  });

  it('rejects a duplicate element id, naming the id', async () => {
    const result = await parse(around('<task id="t"/>', 't') + '<task id="t"/>');
    expect(errorKeys(result)).toContain('xml.duplicateId@t');
  });

  it('rejects an unknown tg attribute on the element that carries it', async () => {
    const result = await parse(around('<userTask id="u" tg:asignee="initiator"/>', 'u'));
    expect(errorKeys(result)).toEqual(['tg.unknownAttribute@u']);
  });

  it('rejects a tg attribute used on an element it does not belong to', async () => {
    const result = await parse(around('<manualTask id="m" tg:formKey="f"/>', 'm'));
    expect(errorKeys(result)).toEqual(['tg.unknownAttribute@m']);
  });

  it('rejects an unknown tg extension element', async () => {
    const result = await parse(around('<serviceTask id="s" tg:type="notify"><extensionElements><tg:settings/></extensionElements></serviceTask>', 's'));
    expect(errorKeys(result)).toEqual(['tg.unknownElement@']);
  });

  it('warns that Camunda attributes are not read, and still accepts the model', async () => {
    const result = await parse(around('<userTask id="u" camunda:assignee="demo"/>', 'u'));
    expect(result.ok).toBe(true);
    expect(warningKeys(result)).toEqual(['xml.vendorExtensionIgnored@u']);
    expect(result.warnings[0].message).toContain('camunda:assignee');
  });
});

describe('which processes are executable', () => {
  it('rejects a document without any process', async () => {
    const result = await parseBpmn(`<definitions id="d" ${NAMESPACES}><message id="m" name="m"/></definitions>`, { locale: 'en' });
    expect(errorKeys(result)).toEqual(['definitions.noProcess@']);
  });

  it('rejects a document whose processes are all marked isExecutable="false"', async () => {
    const xml = processXml(around('<task id="t"/>', 't')).replace('isExecutable="true"', 'isExecutable="false"');
    expect(errorKeys(await parseBpmn(xml))).toEqual(['definitions.noExecutableProcess@']);
  });

  it('treats a process without isExecutable as executable', async () => {
    const xml = processXml(around('<task id="t"/>', 't')).replace(' isExecutable="true"', '');
    const result = await parseBpmn(xml);
    expect(result.ok && result.processes.map((process) => process.id)).toEqual(['p']);
  });

  it('builds every executable process of a collaboration and skips the non-executable one with a warning', async () => {
    const xml = `<definitions id="d" ${NAMESPACES}>
      <collaboration id="c"><participant id="a" processRef="p1"/><participant id="b" processRef="p2"/><participant id="x" processRef="p3"/></collaboration>
      <process id="p1" isExecutable="true">${around('<task id="t1"/>', 't1')}</process>
      <process id="p2">${around('<task id="t2"/>', 't2').replace(/"(start|end|f1|f2)"/g, '"$1_2"').replace('targetRef="t2"/>', 'targetRef="t2"/>')}</process>
      <process id="p3" isExecutable="false"><task id="doc"/></process>
    </definitions>`;
    const result = await parseBpmn(xml, { locale: 'en' });
    expect(result.ok && result.processes.map((process) => process.id)).toEqual(['p1', 'p2']);
    expect(warningKeys(result)).toEqual(['process.notExecutable@p3']);
  });
});

describe('the built model', () => {
  const body =
    START +
    '<exclusiveGateway id="g" default="f3"/>' +
    '<userTask id="a" name="Approve"/>' +
    '<task id="b"/>' +
    END +
    flow('f1', 'start', 'g') +
    flow('f2', 'g', 'a', '${amount &gt; 100}') +
    flow('f3', 'g', 'b') +
    flow('f4', 'a', 'end') +
    flow('f5', 'b', 'end');

  it('lists incoming and outgoing flows in document order', async () => {
    const model = onlyProcess(await parse(body));
    expect(nodeOf(model, 'g').outgoing).toEqual(['f2', 'f3']);
    expect(nodeOf(model, 'end').incoming).toEqual(['f4', 'f5']);
  });

  it('keeps conditions as expression source without the ${…} wrapper', async () => {
    const model = onlyProcess(await parse(body));
    expect(model.flows.get('f2')).toEqual({ id: 'f2', sourceId: 'g', targetId: 'a', condition: 'amount > 100' });
  });

  it('records the gateway default flow and the process scope with its start event', async () => {
    const model = onlyProcess(await parse(body));
    expect(nodeOf(model, 'g')).toMatchObject({ kind: 'exclusiveGateway', defaultFlowId: 'f3', scopeId: 'p' });
    expect(model.root).toEqual({ id: 'p', nodeIds: ['start', 'g', 'a', 'b', 'end'], startEventIds: ['start'], eventSubProcessIds: [] });
    expect(model.scopes.get('p')).toBe(model.root);
  });

  it('gives a process its name and id', async () => {
    const model = onlyProcess(await parse(body));
    expect([model.id, model.name]).toEqual(['p', 'Test']);
  });
});

describe('messages', () => {
  const bad = around('<serviceTask id="s" name="Notify"/>', 's');

  it('writes messages in Chinese by default', async () => {
    const result = await parseBpmn(processXml(bad));
    expect(result.ok ? '' : result.problems[0].message).toBe('Notify (s)：服务类任务必须用 tg:type 指定处理器类型');
  });

  it('writes messages in English when asked', async () => {
    const result = await parseBpmn(processXml(bad), { locale: 'en' });
    expect(result.ok ? '' : result.problems[0].message).toBe('Notify (s): a service-like task needs a handler type in tg:type');
  });

  it('carries the element name beside its id', async () => {
    const result = await parse(bad);
    expect(result.ok ? undefined : result.problems[0]).toMatchObject({ elementId: 's', elementName: 'Notify', severity: 'error' });
  });
});

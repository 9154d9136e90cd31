import { describe, expect, it } from 'vitest';
import { parseBpmn } from './parse-bpmn.ts';
import { around, END, errorKeys, flow, NAMESPACES, parse, START, warningKeys } from './testing.ts';

describe('moddle import warnings become problems', () => {
  it('warns about a foreign element outside extensionElements, with its line', async () => {
    const result = await parse(around('<task id="t"/>', 't') + '<camunda:taskListener event="create"/>');
    expect(warningKeys(result)).toContain('xml.foreignContentIgnored@');
    expect(result.warnings.find((warning) => warning.code === 'xml.foreignContentIgnored')?.line).toBeGreaterThan(1);
  });

  it('warns about an unknown unprefixed attribute on a BPMN element', async () => {
    expect(warningKeys(await parse(around('<task id="t" colour="red"/>', 't')))).toEqual(['xml.unknownAttribute@t']);
  });

  it('warns about an unresolved reference the engine does not use', async () => {
    const body = around('<task id="t"><dataOutputAssociation id="a"><targetRef>nowhere</targetRef></dataOutputAssociation></task>', 't');
    const result = await parse(body);
    expect(warningKeys(result)).toContain('xml.unresolvedReference@a');
  });

  it('warns that a declared non-UTF-8 encoding was ignored', async () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?><definitions id="d" ${NAMESPACES}><process id="p">${around('<task id="t"/>', 't')}</process></definitions>`;
    expect(warningKeys(await parseBpmn(xml))).toEqual(['xml.encodingIgnored@']);
  });
});

describe('further element rules', () => {
  it('rejects an event sub-process with two start events', async () => {
    const body =
      around('<task id="t"/>', 't') +
      '<subProcess id="esp" triggeredByEvent="true"><startEvent id="s1"><signalEventDefinition signalRef="sig"/></startEvent>' +
      '<startEvent id="s2"><signalEventDefinition signalRef="sig"/></startEvent></subProcess>';
    expect(errorKeys(await parse(body, { locale: 'en' }, '<signal id="sig" name="alarm"/>'))).toEqual(['eventSubProcess.startEventCount@esp']);
  });

  it('rejects a boundary event on an event sub-process', async () => {
    const body =
      around('<task id="t"/>', 't') +
      '<subProcess id="esp" triggeredByEvent="true"><startEvent id="s1"><signalEventDefinition signalRef="sig"/></startEvent></subProcess>' +
      '<boundaryEvent id="b" attachedToRef="esp"><signalEventDefinition signalRef="sig"/></boundaryEvent><task id="h"/>' +
      flow('fb', 'b', 'h');
    expect(errorKeys(await parse(body, { locale: 'en' }, '<signal id="sig" name="alarm"/>'))).toEqual(['eventSubProcess.boundaryEvent@b']);
  });

  it('rejects an instantiating event-based gateway', async () => {
    const timer = (id: string) => `<intermediateCatchEvent id="${id}"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>`;
    const body = `${START}<eventBasedGateway id="g" instantiate="true"/>${timer('c1')}${timer('c2')}${END}${flow('f0', 'start', 'g')}${flow('f1', 'g', 'c1')}${flow('f2', 'g', 'c2')}${flow('f3', 'c1', 'end')}${flow('f4', 'c2', 'end')}`;
    expect(errorKeys(await parse(body))).toEqual(['gateway.eventBasedUnsupported@g']);
  });

  it('rejects a link event without a name', async () => {
    expect(errorKeys(await parse(around('<intermediateThrowEvent id="l"><linkEventDefinition/></intermediateThrowEvent>', 'l')))).toEqual(['link.nameMissing@l']);
  });

  it('rejects a signal without a name', async () => {
    const result = await parse(around('<intermediateThrowEvent id="s"><signalEventDefinition signalRef="sig"/></intermediateThrowEvent>', 's'), { locale: 'en' }, '<signal id="sig"/>');
    expect(errorKeys(result)).toEqual(['signal.nameMissing@s']);
  });

  it('rejects two <tg:config> elements on one task', async () => {
    const task = '<serviceTask id="s" tg:type="notify"><extensionElements><tg:config>{}</tg:config><tg:config>{}</tg:config></extensionElements></serviceTask>';
    expect(errorKeys(await parse(around(task, 's')))).toEqual(['serviceTask.configDuplicate@s']);
  });

  it('rejects multi-instance data inputs in favour of tg:collection', async () => {
    const task =
      '<userTask id="u"><multiInstanceLoopCharacteristics tg:collection="xs"><inputDataItem id="item"/></multiInstanceLoopCharacteristics></userTask>';
    expect(errorKeys(await parse(around(task, 'u')))).toEqual(['multiInstance.dataInputUnsupported@u']);
  });
});

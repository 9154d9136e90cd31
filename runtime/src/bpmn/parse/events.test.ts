import { describe, expect, it } from 'vitest';
import { around, END, errorKeys, flow, nodeOf, onlyProcess, parse, START, warningKeys } from './testing.ts';

const GLOBALS =
  '<message id="msg" name="caseReported"/><message id="nameless"/>' +
  '<signal id="sig" name="cityAlarm"/><error id="err" errorCode="E_DISPATCH" name="Dispatch failed"/>' +
  '<escalation id="esc" escalationCode="OVERDUE"/>';

const parseWithGlobals = (body: string) => parse(body, { locale: 'en' }, GLOBALS);

describe('start events (BPMN 2.0 §10.5.2)', () => {
  it('accepts message, timer and signal start events beside one none start event in a process', async () => {
    const body =
      START +
      '<startEvent id="m"><messageEventDefinition messageRef="msg"/></startEvent>' +
      '<startEvent id="t"><timerEventDefinition><timeCycle>R/PT1H</timeCycle></timerEventDefinition></startEvent>' +
      '<startEvent id="s"><signalEventDefinition signalRef="sig"/></startEvent>' +
      END + flow('f1', 'start', 'end') + flow('f2', 'm', 'end') + flow('f3', 't', 'end') + flow('f4', 's', 'end');
    const model = onlyProcess(await parseWithGlobals(body));
    expect(model.root.startEventIds).toEqual(['start', 'm', 't', 's']);
    expect(nodeOf(model, 'm')).toMatchObject({ event: { kind: 'message', messageName: 'caseReported' } });
    expect(model.messages.get('msg')).toEqual({ id: 'msg', name: 'caseReported' });
    expect(model.signals.get('sig')).toEqual({ id: 'sig', name: 'cityAlarm' });
  });

  it('rejects a process without a start event', async () => {
    expect(errorKeys(await parse('<task id="t"/>'))).toEqual(['scope.noStartEvent@p']);
  });

  it('rejects two none start events in one process', async () => {
    const result = await parse(`${START}<startEvent id="start2"/>${END}${flow('f1', 'start', 'end')}${flow('f2', 'start2', 'end')}`);
    expect(errorKeys(result)).toEqual(['scope.multipleNoneStartEvents@p']);
  });

  it('rejects a conditional start event as not supported by the engine', async () => {
    const result = await parse(`<startEvent id="c"><conditionalEventDefinition><condition>a</condition></conditionalEventDefinition></startEvent>${END}${flow('f', 'c', 'end')}`);
    expect(errorKeys(result)).toContain('event.unsupportedDefinition@c');
  });

  it('rejects an event with several event definitions (multiple events)', async () => {
    const result = await parseWithGlobals(
      `<startEvent id="start"><messageEventDefinition messageRef="msg"/><signalEventDefinition signalRef="sig"/></startEvent>${END}${flow('f', 'start', 'end')}`,
    );
    expect(errorKeys(result)).toContain('event.multipleDefinitions@start');
  });

  it('rejects a message end event (not in the supported subset)', async () => {
    const result = await parseWithGlobals(`${START}<endEvent id="end"><messageEventDefinition messageRef="msg"/></endEvent>${flow('f', 'start', 'end')}`);
    expect(errorKeys(result)).toEqual(['event.definitionNotAllowed@end']);
  });
});

describe('references to messages, signals, errors and escalations', () => {
  it('rejects a message event whose messageRef points nowhere', async () => {
    const result = await parseWithGlobals(around('<intermediateCatchEvent id="c"><messageEventDefinition messageRef="missing"/></intermediateCatchEvent>', 'c'));
    expect(errorKeys(result)).toEqual(['message.refMissing@c']);
  });

  it('rejects a message without a name, since messages correlate by name', async () => {
    const result = await parseWithGlobals(around('<receiveTask id="r" messageRef="nameless"/>', 'r'));
    expect(errorKeys(result)).toEqual(['message.nameMissing@r']);
  });

  it('rejects a signal event without signalRef', async () => {
    const result = await parseWithGlobals(around('<intermediateThrowEvent id="s"><signalEventDefinition/></intermediateThrowEvent>', 's'));
    expect(errorKeys(result)).toEqual(['signal.refMissing@s']);
  });

  it('rejects an error end event without errorRef and captures the code of one with it', async () => {
    const bad = await parseWithGlobals(`${START}<endEvent id="end"><errorEventDefinition/></endEvent>${flow('f', 'start', 'end')}`);
    expect(errorKeys(bad)).toEqual(['error.refMissing@end']);
    const good = onlyProcess(await parseWithGlobals(`${START}<endEvent id="end"><errorEventDefinition errorRef="err"/></endEvent>${flow('f', 'start', 'end')}`));
    expect(nodeOf(good, 'end')).toMatchObject({ event: { kind: 'error', errorCode: 'E_DISPATCH' } });
    expect(good.errors.get('err')).toEqual({ id: 'err', name: 'Dispatch failed', code: 'E_DISPATCH' });
  });

  it('rejects an escalation throw without escalationRef', async () => {
    const result = await parseWithGlobals(around('<intermediateThrowEvent id="x"><escalationEventDefinition/></intermediateThrowEvent>', 'x'));
    expect(errorKeys(result)).toEqual(['escalation.refMissing@x']);
  });
});

describe('timers (ISO 8601 or an expression)', () => {
  const timer = (inner: string) => around(`<intermediateCatchEvent id="t"><timerEventDefinition>${inner}</timerEventDefinition></intermediateCatchEvent>`, 't');

  it('keeps an ISO 8601 duration as ISO text', async () => {
    const model = onlyProcess(await parse(timer('<timeDuration>PT5M</timeDuration>')));
    expect(nodeOf(model, 't')).toMatchObject({ event: { kind: 'timer', timer: { type: 'duration', expression: 'PT5M', format: 'iso8601' } } });
  });

  it('accepts an expression and strips its ${…} wrapper', async () => {
    const model = onlyProcess(await parse(timer('<timeDate>${deadline}</timeDate>')));
    expect(nodeOf(model, 't')).toMatchObject({ event: { timer: { type: 'date', expression: 'deadline', format: 'expression' } } });
  });

  it('rejects text that looks like ISO 8601 but is not valid', async () => {
    expect(errorKeys(await parse(timer('<timeDuration>PT5X</timeDuration>')))).toEqual(['timer.invalid@t']);
  });

  it('rejects a timer that is neither ISO 8601 nor a valid expression', async () => {
    expect(errorKeys(await parse(timer('<timeDuration>in 5 minutes</timeDuration>')))).toEqual(['expression.invalid@t']);
  });

  it('rejects a timer without timeDate, timeDuration or timeCycle', async () => {
    expect(errorKeys(await parse(timer('')))).toEqual(['timer.missing@t']);
  });

  it('rejects a cycle on an intermediate catch event', async () => {
    expect(errorKeys(await parse(timer('<timeCycle>R3/PT1H</timeCycle>')))).toEqual(['timer.cycleNotAllowed@t']);
  });
});

describe('link events', () => {
  it('accepts a link throw with a matching catch in the same scope', async () => {
    const body =
      `${START}<intermediateThrowEvent id="lt"><linkEventDefinition name="jump"/></intermediateThrowEvent>` +
      `<intermediateCatchEvent id="lc"><linkEventDefinition name="jump"/></intermediateCatchEvent>${END}` +
      flow('f1', 'start', 'lt') + flow('f2', 'lc', 'end');
    const result = await parse(body);
    expect(result.ok && result.warnings).toEqual([]);
    expect(nodeOf(onlyProcess(result), 'lt')).toMatchObject({ event: { kind: 'link', linkName: 'jump' } });
  });

  it('rejects a link throw whose name no catch in the scope has', async () => {
    const body = `${START}<intermediateThrowEvent id="lt"><linkEventDefinition name="nowhere"/></intermediateThrowEvent>${flow('f1', 'start', 'lt')}`;
    expect(errorKeys(await parse(body))).toEqual(['link.noCatch@lt']);
  });

  it('rejects two link catch events with the same name in one scope', async () => {
    const body =
      `${START}<intermediateThrowEvent id="lt"><linkEventDefinition name="a"/></intermediateThrowEvent>` +
      `<intermediateCatchEvent id="c1"><linkEventDefinition name="a"/></intermediateCatchEvent>` +
      `<intermediateCatchEvent id="c2"><linkEventDefinition name="a"/></intermediateCatchEvent>${END}` +
      flow('f1', 'start', 'lt') + flow('f2', 'c1', 'end') + flow('f3', 'c2', 'end');
    expect(errorKeys(await parse(body))).toEqual(['link.duplicateCatch@c2']);
  });

  it('warns about a link catch that nothing jumps to', async () => {
    const body = `${START}<intermediateCatchEvent id="lc"><linkEventDefinition name="x"/></intermediateCatchEvent>${END}${flow('f1', 'start', 'end')}${flow('f2', 'lc', 'end')}`;
    expect(warningKeys(await parse(body))).toContain('link.noThrow@lc');
  });
});

describe('event sub-processes', () => {
  const eventSubProcess = (start: string, extra = '') =>
    around('<task id="t"/>', 't') +
    `<subProcess id="esp" triggeredByEvent="true">${start}<endEvent id="esp_end"/>${flow('ef', 'esp_start', 'esp_end')}</subProcess>${extra}`;

  it('builds an event sub-process scope with its triggered start event', async () => {
    const model = onlyProcess(
      await parseWithGlobals(eventSubProcess('<startEvent id="esp_start" isInterrupting="false"><messageEventDefinition messageRef="msg"/></startEvent>')),
    );
    expect(model.root.eventSubProcessIds).toEqual(['esp']);
    expect(model.scopes.get('esp')).toEqual({ id: 'esp', parentId: 'p', nodeIds: ['esp_start', 'esp_end'], startEventIds: ['esp_start'], eventSubProcessIds: [] });
    expect(nodeOf(model, 'esp_start')).toMatchObject({ scopeId: 'esp', isInterrupting: false });
    expect(nodeOf(model, 'esp')).toMatchObject({ kind: 'subProcess', triggeredByEvent: true });
  });

  it('rejects a none start event in an event sub-process', async () => {
    expect(errorKeys(await parse(eventSubProcess('<startEvent id="esp_start"/>')))).toEqual(['eventSubProcess.startEventNone@esp_start']);
  });

  it('rejects a non-interrupting error start event', async () => {
    const result = await parseWithGlobals(eventSubProcess('<startEvent id="esp_start" isInterrupting="false"><errorEventDefinition errorRef="err"/></startEvent>'));
    expect(errorKeys(result)).toEqual(['event.definitionNotAllowed@esp_start']);
  });

  it('rejects a sequence flow into an event sub-process', async () => {
    const result = await parseWithGlobals(
      eventSubProcess('<startEvent id="esp_start"><signalEventDefinition signalRef="sig"/></startEvent>', flow('into', 't', 'esp')),
    );
    expect(errorKeys(result)).toEqual(expect.arrayContaining(['flow.notAllowedInto@into', 'eventSubProcess.hasSequenceFlow@esp']));
  });
});

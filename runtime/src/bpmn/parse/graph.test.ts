import { describe, expect, it } from 'vitest';
import { around, END, errorKeys, flow, nodeOf, onlyProcess, parse, START, warningKeys } from './testing.ts';

describe('sequence flows', () => {
  it('rejects a flow whose target does not exist', async () => {
    expect(errorKeys(await parse(`${START}${flow('f', 'start', 'ghost')}`))).toEqual(['flow.missingTarget@f']);
  });

  it('rejects a flow without sourceRef', async () => {
    expect(errorKeys(await parse(`${START}${END}<sequenceFlow id="f" targetRef="end"/>${flow('f0', 'start', 'end')}`))).toEqual(['flow.missingSource@f']);
  });

  it('rejects a flow from inside a sub-process to an element outside it', async () => {
    const body =
      `${START}<subProcess id="sp"><startEvent id="s2"/><task id="inner"/>${flow('fi', 's2', 'inner')}${flow('out', 'inner', 'end')}</subProcess>${END}` +
      flow('f1', 'start', 'sp') + flow('f2', 'sp', 'end');
    expect(errorKeys(await parse(body))).toEqual(['flow.crossesScope@out']);
  });

  it('rejects a flow into a start event and a flow out of an end event', async () => {
    const body = `${START}<task id="t"/>${END}${flow('f1', 'start', 't')}${flow('f2', 't', 'end')}${flow('back', 'end', 'start')}`;
    expect(errorKeys(await parse(body))).toEqual(['flow.notAllowedInto@back', 'flow.notAllowedOutOf@back']);
  });

  it('rejects a condition on a flow leaving an event', async () => {
    expect(errorKeys(await parse(`${START}${END}${flow('f', 'start', 'end', 'ok')}`))).toEqual(['flow.conditionNotAllowed@f']);
  });

  it('accepts conditional and default flows leaving a task (uncontrolled flow)', async () => {
    const body = `${START}<task id="t" default="fd"/><task id="a"/>${END}${flow('f1', 'start', 't')}${flow('fc', 't', 'a', 'x == 1')}${flow('fd', 't', 'end')}${flow('f3', 'a', 'end')}`;
    const model = onlyProcess(await parse(body));
    expect(nodeOf(model, 't')).toMatchObject({ defaultFlowId: 'fd', outgoing: ['fc', 'fd'] });
  });
});

describe('gateways', () => {
  const split = (gateway: string, flows: string) => `${START}${gateway}<task id="a"/><task id="b"/>${END}${flow('f0', 'start', 'g')}${flows}${flow('fa', 'a', 'end')}${flow('fb', 'b', 'end')}`;

  it('rejects an exclusive gateway flow that has no condition and is not the default', async () => {
    const result = await parse(split('<exclusiveGateway id="g"/>', flow('f1', 'g', 'a', 'x &gt; 1') + flow('f2', 'g', 'b')));
    expect(errorKeys(result)).toEqual(['gateway.flowWithoutCondition@f2']);
  });

  it('rejects an inclusive gateway flow that has no condition and is not the default', async () => {
    const result = await parse(split('<inclusiveGateway id="g"/>', flow('f1', 'g', 'a') + flow('f2', 'g', 'b', 'y')));
    expect(errorKeys(result)).toEqual(['gateway.flowWithoutCondition@f1']);
  });

  it('accepts an exclusive gateway with one conditional flow and a default flow', async () => {
    const result = await parse(split('<exclusiveGateway id="g" default="f2"/>', flow('f1', 'g', 'a', 'x &gt; 1') + flow('f2', 'g', 'b')));
    expect(result.ok).toBe(true);
  });

  it('rejects a default flow that does not leave its gateway', async () => {
    const result = await parse(split('<exclusiveGateway id="g" default="fa"/>', flow('f1', 'g', 'a', 'x') + flow('f2', 'g', 'b', '!x')));
    expect(errorKeys(result)).toEqual(['flow.defaultNotOutgoing@g']);
  });

  it('rejects a default flow that names a flow which does not exist', async () => {
    const result = await parse(split('<exclusiveGateway id="g" default="ghost"/>', flow('f1', 'g', 'a', 'x') + flow('f2', 'g', 'b', '!x')));
    expect(errorKeys(result)).toEqual(['flow.defaultNotOutgoing@g']);
  });

  it('rejects a default flow that carries a condition', async () => {
    const result = await parse(split('<exclusiveGateway id="g" default="f2"/>', flow('f1', 'g', 'a', 'x') + flow('f2', 'g', 'b', '!x')));
    expect(errorKeys(result)).toEqual(['flow.defaultHasCondition@f2']);
  });

  it('rejects conditions on the outgoing flows of a parallel gateway (betsy errors/ParallelGateway_Conditions)', async () => {
    const result = await parse(split('<parallelGateway id="g"/>', flow('f1', 'g', 'a', 'x') + flow('f2', 'g', 'b')));
    expect(errorKeys(result)).toEqual(['gateway.parallelCondition@f1']);
  });

  it('rejects a gateway without outgoing flows', async () => {
    expect(errorKeys(await parse(`${START}<parallelGateway id="g"/>${flow('f', 'start', 'g')}`))).toEqual(['gateway.noOutgoing@g']);
  });

  it('rejects a complex gateway as not supported by the engine', async () => {
    const result = await parse(split('<complexGateway id="g"/>', flow('f1', 'g', 'a') + flow('f2', 'g', 'b')));
    expect(errorKeys(result)).toEqual(['element.unsupported@g']);
    expect(result.ok ? '' : result.problems[0].message).toContain('complexGateway is not supported by the engine');
  });

  describe('event-based gateway', () => {
    const catchTimer = (id: string) => `<intermediateCatchEvent id="${id}"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>`;
    const gateway = (targets: string, flows: string) =>
      `${START}<eventBasedGateway id="g"/>${targets}${END}${flow('f0', 'start', 'g')}${flows}`;

    it('accepts catch events and receive tasks as targets', async () => {
      const body = gateway(`${catchTimer('c1')}<receiveTask id="r" messageRef="m"/>`, flow('f1', 'g', 'c1') + flow('f2', 'g', 'r') + flow('f3', 'c1', 'end') + flow('f4', 'r', 'end'));
      expect((await parse(body, { locale: 'en' }, '<message id="m" name="reply"/>')).ok).toBe(true);
    });

    it('rejects a task as a target', async () => {
      const body = gateway(`${catchTimer('c1')}<task id="t"/>`, flow('f1', 'g', 'c1') + flow('f2', 'g', 't') + flow('f3', 'c1', 'end') + flow('f4', 't', 'end'));
      expect(errorKeys(await parse(body))).toEqual(['gateway.eventBasedTargetInvalid@f2']);
    });

    it('rejects a single outgoing flow', async () => {
      expect(errorKeys(await parse(gateway(catchTimer('c1'), flow('f1', 'g', 'c1') + flow('f3', 'c1', 'end'))))).toEqual(['gateway.eventBasedTooFewTargets@g']);
    });
  });
});

describe('boundary events', () => {
  const withBoundary = (activity: string, boundary: string, extra = '') =>
    `${START}${activity}${boundary}<task id="handle"/>${END}${flow('f1', 'start', 'a')}${flow('f2', 'a', 'end')}${flow('fb', 'b', 'handle')}${flow('fh', 'handle', 'end')}${extra}`;
  const timer = '<timerEventDefinition><timeDuration>P2D</timeDuration></timerEventDefinition>';

  it('attaches a boundary event to its activity', async () => {
    const model = onlyProcess(await parse(withBoundary('<userTask id="a"/>', `<boundaryEvent id="b" attachedToRef="a" cancelActivity="false">${timer}</boundaryEvent>`)));
    expect(nodeOf(model, 'a').boundaryEventIds).toEqual(['b']);
    expect(nodeOf(model, 'b')).toMatchObject({ kind: 'boundaryEvent', attachedToId: 'a', cancelActivity: false });
  });

  it('rejects a boundary event attached to a gateway', async () => {
    const body = `${START}<exclusiveGateway id="a"/><boundaryEvent id="b" attachedToRef="a">${timer}</boundaryEvent><task id="handle"/>${END}${flow('f1', 'start', 'a')}${flow('f2', 'a', 'end')}${flow('fb', 'b', 'handle')}${flow('fh', 'handle', 'end')}`;
    expect(errorKeys(await parse(body))).toEqual(['boundary.attachedToInvalid@b']);
  });

  it('rejects a boundary event that is attached to nothing', async () => {
    expect(errorKeys(await parse(withBoundary('<userTask id="a"/>', `<boundaryEvent id="b">${timer}</boundaryEvent>`)))).toEqual(['boundary.attachedToMissing@b']);
  });

  it('rejects a boundary event without outgoing flow', async () => {
    const body = `${START}<userTask id="a"/><boundaryEvent id="b" attachedToRef="a">${timer}</boundaryEvent>${END}${flow('f1', 'start', 'a')}${flow('f2', 'a', 'end')}`;
    expect(errorKeys(await parse(body))).toEqual(['boundary.noOutgoing@b']);
  });

  it('rejects a sequence flow into a boundary event', async () => {
    const result = await parse(withBoundary('<userTask id="a"/>', `<boundaryEvent id="b" attachedToRef="a">${timer}</boundaryEvent>`, flow('in', 'handle', 'b')));
    expect(errorKeys(result)).toEqual(['flow.notAllowedInto@in', 'boundary.hasIncoming@b']);
  });

  it('rejects an error boundary event on a user task, which cannot raise BPMN errors', async () => {
    const result = await parse(withBoundary('<userTask id="a"/>', '<boundaryEvent id="b" attachedToRef="a"><errorEventDefinition/></boundaryEvent>'));
    expect(errorKeys(result)).toEqual(['boundary.notAllowedOnActivity@b']);
  });

  it('accepts a catch-all error boundary event on a service task', async () => {
    const model = onlyProcess(await parse(withBoundary('<serviceTask id="a" tg:type="notify"/>', '<boundaryEvent id="b" attachedToRef="a"><errorEventDefinition/></boundaryEvent>')));
    expect(nodeOf(model, 'b')).toMatchObject({ event: { kind: 'error' } });
  });

  it('rejects a non-interrupting error boundary event', async () => {
    const result = await parse(withBoundary('<subProcess id="a"><startEvent id="s2"/></subProcess>', '<boundaryEvent id="b" attachedToRef="a" cancelActivity="false"><errorEventDefinition/></boundaryEvent>'));
    expect(errorKeys(result)).toEqual(['boundary.errorNonInterrupting@b']);
  });
});

describe('sub-processes', () => {
  it('builds a nested scope whose nodes live in it', async () => {
    const body = `${START}<subProcess id="sp"><startEvent id="s2"/><task id="inner"/><endEvent id="e2"/>${flow('i1', 's2', 'inner')}${flow('i2', 'inner', 'e2')}</subProcess>${END}${flow('f1', 'start', 'sp')}${flow('f2', 'sp', 'end')}`;
    const model = onlyProcess(await parse(body));
    expect(model.scopes.get('sp')).toEqual({ id: 'sp', parentId: 'p', nodeIds: ['s2', 'inner', 'e2'], startEventIds: ['s2'], eventSubProcessIds: [] });
    expect(model.root.nodeIds).toEqual(['start', 'sp', 'end']);
    expect(nodeOf(model, 'inner').scopeId).toBe('sp');
  });

  it('rejects a sub-process without a start event', async () => {
    expect(errorKeys(await parse(around('<subProcess id="sp"><task id="inner"/></subProcess>', 'sp')))).toEqual(['subProcess.startEventCount@sp']);
  });

  it('rejects a timer start event inside an embedded sub-process', async () => {
    const result = await parse(around('<subProcess id="sp"><startEvent id="s2"><timerEventDefinition><timeDuration>PT1M</timeDuration></timerEventDefinition></startEvent></subProcess>', 'sp'));
    expect(errorKeys(result)).toEqual(['subProcess.startEventNotNone@s2']);
  });

  it('rejects an ad-hoc sub-process and a transaction as not supported', async () => {
    const body = `${START}<adHocSubProcess id="adhoc"/><transaction id="tx"/>${END}${flow('f1', 'start', 'adhoc')}${flow('f2', 'adhoc', 'tx')}${flow('f3', 'tx', 'end')}`;
    expect(errorKeys(await parse(body))).toEqual(['element.unsupported@adhoc', 'element.unsupported@tx']);
  });
});

describe('reachability (warnings)', () => {
  it('warns about a node no start event reaches', async () => {
    const result = await parse(`${START}<task id="island"/>${END}${flow('f1', 'start', 'end')}${flow('f2', 'island', 'end')}`);
    expect(result.ok).toBe(true);
    expect(warningKeys(result)).toEqual(['node.unreachable@island']);
  });

  it('warns about nodes caught in a loop with no way out', async () => {
    const body = `${START}<task id="a"/><task id="b"/>${flow('f1', 'start', 'a')}${flow('f2', 'a', 'b')}${flow('f3', 'b', 'a')}`;
    expect(warningKeys(await parse(body))).toEqual(['node.noPathToEnd@start', 'node.noPathToEnd@a', 'node.noPathToEnd@b']);
  });

  it('counts a task without outgoing flow as an implicit end', async () => {
    expect(warningKeys(await parse(`${START}<task id="t"/>${flow('f1', 'start', 't')}`))).toEqual([]);
  });
});

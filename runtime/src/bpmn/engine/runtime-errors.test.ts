import { describe, expect, it } from 'vitest';
import { activeElementIds, dispatch } from './index.ts';
import { chain, definitions, Driver, flow, load, loadProcesses, T0, userTask } from './testing.ts';

const START = '<startEvent id="start"/>';
const END = '<endEvent id="end"/>';

describe('runtime errors', () => {
  it('given a condition that fails at run time, when the gateway decides, then EXPRESSION_FAILED names the flow in both languages', async () => {
    const body = `${START}<exclusiveGateway id="g" default="other"/>${userTask('a')}${END}${chain('start', 'g')}${flow('g', 'a', 'amount > 1', 'big')}${flow('g', 'end', undefined, 'other')}${chain('a', 'end')}`;
    const model = await load(body);
    let caught: unknown;
    try {
      new Driver(model).start({ amount: 'abc' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'EXPRESSION_FAILED', elementId: 'big' });
    const error = caught as { localizedMessage(locale: 'zh-CN' | 'en'): string };
    expect(error.localizedMessage('en')).toContain('amount > 1');
    expect(error.localizedMessage('zh-CN')).toContain('求值失败');
  });

  it('given a condition over a variable that was never set, when the gateway decides, then the condition counts as false', async () => {
    const body = `${START}<exclusiveGateway id="g" default="other"/>${userTask('a')}${userTask('b')}${END}${chain('start', 'g')}${flow('g', 'a', 'approved == true')}${flow('g', 'b', undefined, 'other')}${chain('a', 'end')}${chain('b', 'end')}`;
    expect(new Driver(await load(body)).start().openTasks()).toEqual(['b']);
  });

  it('given a timer duration variable that is not a duration, when the timer is armed, then INVALID_TIMER is thrown', async () => {
    const body = `${START}<intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>\${delay}</timeDuration></timerEventDefinition></intermediateCatchEvent>${END}${chain('start', 'wait', 'end')}`;
    const model = await load(body);
    expect(() => new Driver(model).start({ delay: 'soon' })).toThrow(expect.objectContaining({ code: 'INVALID_TIMER', elementId: 'wait' }));
  });

  it('given a due date that is neither hours, a duration nor a datetime, when the task is created, then INVALID_DUE_DATE is thrown', async () => {
    const model = await load(`${START}${userTask('t', 'tg:dueDate="deadline"')}${END}${chain('start', 't', 'end')}`);
    expect(() => new Driver(model).start({ deadline: 'next week' })).toThrow(expect.objectContaining({ code: 'INVALID_DUE_DATE', elementId: 't' }));
  });

  it('given a subscription already consumed, when the message is delivered to it again, then STALE_EVENT_ID is thrown', async () => {
    const body = `${START}<receiveTask id="r" messageRef="M"/>${userTask('next')}${END}${chain('start', 'r', 'next', 'end')}`;
    const run = new Driver(await load(body, '<message id="M" name="go"/>')).start();
    const subscriptionId = run.waits()[0]!.id;
    run.send({ type: 'message.deliver', subscriptionId });
    expect(() => run.send({ type: 'message.deliver', subscriptionId })).toThrow(expect.objectContaining({ code: 'STALE_EVENT_ID' }));
  });

  it('given a subscription id delivered as a signal although it is a message subscription, then STALE_EVENT_ID is thrown', async () => {
    const body = `${START}<receiveTask id="r" messageRef="M"/>${END}${chain('start', 'r', 'end')}`;
    const run = new Driver(await load(body, '<message id="M" name="go"/>')).start();
    const subscriptionId = run.waits()[0]!.id;
    expect(() => run.send({ type: 'signal.deliver', subscriptionId })).toThrow(expect.objectContaining({ code: 'STALE_EVENT_ID' }));
  });
  it('given the state of one process, when dispatched with the model of another, then MODEL_MISMATCH is thrown', async () => {
    const simple = (prefix: string): string =>
      `<startEvent id="${prefix}s"/>${userTask(`${prefix}t`)}<endEvent id="${prefix}e"/>${chain(`${prefix}s`, `${prefix}t`, `${prefix}e`)}`;
    const [p, q] = await loadProcesses(definitions(simple('p'), '', `<process id="q" isExecutable="true">${simple('q')}</process>`));
    const run = new Driver(p!).start();
    const event = { type: 'task.complete' as const, taskId: run.waits()[0]!.id };
    expect(() => dispatch(q!, run.state, event, { now: T0, newId: () => 'x' })).toThrow(expect.objectContaining({ code: 'MODEL_MISMATCH' }));
  });
});

describe('state queries and order independence', () => {
  it('given tokens resting at two tasks, then activeElementIds lists both elements', async () => {
    const body = `${START}<parallelGateway id="fork"/>${userTask('a')}${userTask('b')}<endEvent id="e1"/>${chain('start', 'fork')}${chain('fork', 'a', 'e1')}${chain('fork', 'b', 'e1')}`;
    expect(activeElementIds(new Driver(await load(body)).start().state).sort()).toEqual(['a', 'b']);
  });

  it('given an OR-join after two activated branches, when they complete in either order, then the final states are equal', async () => {
    const body =
      `${START}<inclusiveGateway id="split"/>${userTask('a')}${userTask('b')}<inclusiveGateway id="join"/>${userTask('c')}${END}` +
      `${chain('start', 'split')}${flow('split', 'a', 'true')}${flow('split', 'b', 'true')}${chain('a', 'join')}${chain('b', 'join')}${chain('join', 'c', 'end')}`;
    const model = await load(body);
    const first = new Driver(model).start().complete('a').complete('b');
    const second = new Driver(model).start().complete('b').complete('a');
    expect(second.state).toEqual(first.state);
    expect(first.openTasks()).toEqual(['c']);
  });
});

import { describe, expect, it } from 'vitest';
import { chain, Driver, flow, load, userTask } from './testing.ts';

const START = '<startEvent id="start"/>';
const END = '<endEvent id="end"/>';
const HOUR = 3_600_000;

function multiInstance(options: { sequential?: boolean; cardinality?: string; collection?: string; element?: string; completion?: string }): string {
  const attributes = [
    `isSequential="${options.sequential === true}"`,
    options.collection ? `tg:collection="${options.collection}"` : '',
    options.element ? `tg:elementVariable="${options.element}"` : '',
  ].join(' ');
  const cardinality = options.cardinality ? `<loopCardinality xsi:type="tFormalExpression">${options.cardinality}</loopCardinality>` : '';
  const completion = options.completion
    ? `<completionCondition xsi:type="tFormalExpression">${options.completion.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</completionCondition>`
    : '';
  return `<multiInstanceLoopCharacteristics ${attributes}>${cardinality}${completion}</multiInstanceLoopCharacteristics>`;
}

/** start → approve (multi-instance) → after → end */
function approval(characteristics: string, attributes = ''): string {
  return `${START}<userTask id="approve" ${attributes}>${characteristics}</userTask>${userTask('after')}${END}${chain('start', 'approve', 'after', 'end')}`;
}

const tasksAt = (run: Driver, elementId: string) => run.waits((wait) => wait.kind === 'task' && wait.nodeId === elementId);

describe('multi-instance', () => {
  it('WCP13 multiple instances with design-time knowledge: given loopCardinality 3, then three tasks run and the process continues once after all', async () => {
    const run = new Driver(await load(approval(multiInstance({ cardinality: '3' })))).start();
    expect(run.effectsOf('task.created').map((effect) => effect.loopCounter)).toEqual([0, 1, 2]);
    for (const task of tasksAt(run, 'approve')) run.send({ type: 'task.complete', taskId: task.id });
    expect(run.openTasks()).toEqual(['after']);
  });

  it('WCP14 multiple instances with run-time knowledge: given the cardinality in a variable, then that many tasks are created', async () => {
    const run = new Driver(await load(approval(multiInstance({ cardinality: 'count' })))).start({ count: 4 });
    expect(tasksAt(run, 'approve')).toHaveLength(4);
  });

  it('given 会签 (parallel, all), when the approvers complete one by one, then the process waits for the last one', async () => {
    const run = new Driver(await load(approval(multiInstance({ collection: 'approvers', element: 'approver' }), 'tg:assignee="approver"'))).start({
      approvers: ['wang', 'li'],
    });
    expect(run.effectsOf('task.created').map((effect) => effect.assignment.assignee)).toEqual(['wang', 'li']);
    const [first, second] = tasksAt(run, 'approve');
    run.send({ type: 'task.complete', taskId: first!.id });
    expect(run.openTasks()).toEqual(['approve']);
    run.send({ type: 'task.complete', taskId: second!.id });
    expect(run.openTasks()).toEqual(['after']);
  });

  it('given 或签 (parallel, one suffices), when the first approver completes, then the others are cancelled by the completion condition', async () => {
    const characteristics = multiInstance({ collection: 'approvers', element: 'approver', completion: 'nrOfCompletedInstances >= 1' });
    const run = new Driver(await load(approval(characteristics, 'tg:assignee="approver"'))).start({ approvers: ['wang', 'li', 'zhao'] });
    run.send({ type: 'task.complete', taskId: tasksAt(run, 'approve')[1]!.id });
    expect(run.openTasks()).toEqual(['after']);
    expect(run.effectsOf('task.cancelled').map((effect) => effect.reason)).toEqual(['completionCondition', 'completionCondition']);
  });

  it('given 依次审批 (sequential), when each approver completes, then the next one in the list gets the task', async () => {
    const run = new Driver(await load(approval(multiInstance({ sequential: true, collection: 'approvers', element: 'approver' }), 'tg:assignee="approver"'))).start({
      approvers: ['wang', 'li', 'zhao'],
    });
    const assignees: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) {
      expect(tasksAt(run, 'approve')).toHaveLength(1);
      assignees.push(run.effectsOf('task.created').at(-1)!.assignment.assignee);
      run.complete('approve');
    }
    expect(assignees).toEqual(['wang', 'li', 'zhao']);
    expect(run.openTasks()).toEqual(['after']);
  });

  it('given a sequential approval whose completion condition is a rejection, when the second approver rejects, then the third is never asked', async () => {
    const characteristics = multiInstance({ sequential: true, collection: 'approvers', element: 'approver', completion: 'approved == false' });
    const run = new Driver(await load(approval(characteristics))).start({ approvers: ['a', 'b', 'c'] });
    run.complete('approve', { approved: true }).complete('approve', { approved: false });
    expect(run.openTasks()).toEqual(['after']);
    expect(run.count('approve')).toBe(3); // the body and two iterations
  });

  it('given an empty collection, when the activity is reached, then it completes at once', async () => {
    const run = new Driver(await load(approval(multiInstance({ collection: 'approvers', element: 'approver' })))).start({ approvers: [] });
    expect(run.openTasks()).toEqual(['after']);
  });

  it('given a collection that is not a list, when the activity is reached, then MULTI_INSTANCE_INPUT is thrown', async () => {
    const model = await load(approval(multiInstance({ collection: 'approvers', element: 'approver' })));
    expect(() => new Driver(model).start({ approvers: 'wang' })).toThrow(expect.objectContaining({ code: 'MULTI_INSTANCE_INPUT' }));
  });

  it('given an interrupting timer on a multi-instance task, when it fires, then every instance is cancelled at once', async () => {
    const body =
      `${START}<userTask id="approve">${multiInstance({ cardinality: '3' })}</userTask>` +
      `<boundaryEvent id="late" attachedToRef="approve"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>` +
      `${userTask('after')}${END}${chain('start', 'approve', 'after', 'end')}${chain('late', 'end')}`;
    const run = new Driver(await load(body)).start();
    expect(run.effectsOf('timer.scheduled')).toHaveLength(1);
    run.advance(HOUR);
    expect(run.status).toBe('completed');
    expect(run.effectsOf('task.cancelled')).toHaveLength(3);
  });

  it('given a parallel multi-instance script task, then it runs once per element and the element variable stays local', async () => {
    const body =
      `${START}<scriptTask id="sum" scriptFormat="tongguan"><script>total = total + item</script>${multiInstance({ collection: 'items', element: 'item' })}</scriptTask>${END}` +
      chain('start', 'sum', 'end');
    const run = new Driver(await load(body)).start({ items: [1, 2, 3], total: 0 });
    expect(run.state.variables).toEqual({ items: [1, 2, 3], total: 6 });
  });

  it('given a task in an iteration completing with the element variable, then the iteration local changes and the process variable does not', async () => {
    const run = new Driver(await load(approval(multiInstance({ sequential: true, collection: 'approvers', element: 'approver' }), 'tg:assignee="approver"'))).start({
      approvers: ['wang', 'li'],
    });
    run.complete('approve', { approver: 'deputy', opinion: 'ok' });
    expect(run.state.variables).toEqual({ approvers: ['wang', 'li'], opinion: 'ok' });
  });

  it('given a parallel multi-instance sub-process with an OR-join inside, then one iteration’s tokens never hold back another’s join', async () => {
    const inner =
      `<startEvent id="s1"/><inclusiveGateway id="split"/>${userTask('x')}${userTask('y')}<inclusiveGateway id="join"/>${userTask('done')}<endEvent id="e1"/>` +
      `${chain('s1', 'split')}${flow('split', 'x', 'true')}${flow('split', 'y', 'loopCounter == 0')}${chain('x', 'join')}${chain('y', 'join')}${chain('join', 'done', 'e1')}`;
    const body = `${START}<subProcess id="sub">${multiInstance({ cardinality: '2' })}${inner}</subProcess>${END}${chain('start', 'sub', 'end')}`;
    const run = new Driver(await load(body)).start();
    expect(run.openTasks()).toEqual(['x', 'x', 'y']);
    const secondX = tasksAt(run, 'x')[1]!;
    run.send({ type: 'task.complete', taskId: secondX.id });
    expect(run.openTasks()).toEqual(['done', 'x', 'y']);
  });

  it('WCP12 multiple instances without synchronization: given a non-interrupting message boundary, then every message spawns a task nobody waits for', async () => {
    const body =
      `${START}${userTask('main')}<boundaryEvent id="spawn" attachedToRef="main" cancelActivity="false"><messageEventDefinition messageRef="M"/></boundaryEvent>` +
      `${userTask('side')}${END}<endEvent id="e2"/>${chain('start', 'main', 'end')}${chain('spawn', 'side', 'e2')}`;
    const run = new Driver(await load(body, '<message id="M" name="report"/>')).start().message('report').message('report');
    expect(run.openTasks()).toEqual(['main', 'side', 'side']);
    run.complete('main');
    expect(run.status).toBe('active');
  });
});

describe('standard loops', () => {
  const looped = (characteristics: string, task = '<scriptTask id="inc" scriptFormat="tongguan"><script>n = n + 1</script>'): string =>
    `${START}${task}<standardLoopCharacteristics ${characteristics}</standardLoopCharacteristics>${task.startsWith('<scriptTask') ? '</scriptTask>' : '</userTask>'}${userTask('after')}${END}` +
    chain('start', task.startsWith('<scriptTask') ? 'inc' : 'review', 'after', 'end');

  it('given a do-while loop (testBefore false) on n < 3, when n starts at 0, then the task runs three times', async () => {
    const run = new Driver(await load(looped('testBefore="false"><loopCondition xsi:type="tFormalExpression">n &lt; 3</loopCondition>'))).start({ n: 0 });
    expect(run.state.variables['n']).toBe(3);
    expect(run.openTasks()).toEqual(['after']);
  });

  it('given a do-while loop whose condition is false from the start, then the task still runs once', async () => {
    const run = new Driver(await load(looped('testBefore="false"><loopCondition xsi:type="tFormalExpression">false</loopCondition>'))).start({ n: 0 });
    expect(run.state.variables['n']).toBe(1);
  });

  it('given a while loop (testBefore true) whose condition is false, then the task never runs', async () => {
    const run = new Driver(await load(looped('testBefore="true"><loopCondition xsi:type="tFormalExpression">false</loopCondition>'))).start({ n: 0 });
    expect(run.state.variables['n']).toBe(0);
    expect(run.openTasks()).toEqual(['after']);
  });

  it('given loopMaximum 3 and a condition that always holds, then the task runs exactly three times', async () => {
    const run = new Driver(await load(looped('loopMaximum="3"><loopCondition xsi:type="tFormalExpression">true</loopCondition>'))).start({ n: 0 });
    expect(run.state.variables['n']).toBe(3);
  });

  it('given a looping user task, when completed until the condition fails, then each iteration is a new task with its loopCounter', async () => {
    const model = await load(looped('><loopCondition xsi:type="tFormalExpression">rework == true</loopCondition>', '<userTask id="review">'));
    const run = new Driver(model).start();
    run.complete('review', { rework: true }).complete('review', { rework: false });
    expect(run.effectsOf('task.created').filter((effect) => effect.elementId === 'review').map((effect) => effect.loopCounter)).toEqual([0, 1]);
    expect(run.openTasks()).toEqual(['after']);
  });
});

import { describe, expect, it } from 'vitest';
import { nextCycleOccurrence, startTimerSchedule } from './index.ts';
import { chain, load, T0, userTask } from './testing.ts';

const startTimer = (kind: 'timeDuration' | 'timeDate' | 'timeCycle', value: string) =>
  `<startEvent id="tick"><timerEventDefinition><${kind}>${value}</${kind}></timerEventDefinition></startEvent>${userTask('t')}<endEvent id="end"/>${chain('tick', 't', 'end')}`;
const deps = { now: T0, newId: () => 'unused' };

describe('timer start events (scheduled by the platform when a version is published)', () => {
  it('given a timer date start, when scheduled, then the first start is due at that instant and does not repeat', async () => {
    expect(startTimerSchedule(await load(startTimer('timeDate', '2025-04-01T08:00:00+08:00')), 'tick', deps)).toEqual({ dueAt: '2025-04-01T00:00:00.000Z' });
  });

  it('given a duration start, when scheduled, then it is due that long after publishing', async () => {
    expect(startTimerSchedule(await load(startTimer('timeDuration', 'PT30M')), 'tick', deps).dueAt).toBe(new Date(T0.getTime() + 30 * 60_000).toISOString());
  });

  it('given a daily cycle of three (R3/…/P1D), when each occurrence fires, then the next is a day later until none is left', async () => {
    const first = startTimerSchedule(await load(startTimer('timeCycle', 'R3/2025-03-04T00:00:00Z/P1D')), 'tick', deps);
    expect(first).toEqual({ dueAt: '2025-03-04T00:00:00.000Z', cycle: { remaining: 2, duration: 'P1D' } });
    const second = nextCycleOccurrence(first.dueAt, first.cycle!);
    expect(second).toEqual({ dueAt: '2025-03-05T00:00:00.000Z', cycle: { remaining: 1, duration: 'P1D' } });
    const third = nextCycleOccurrence(second!.dueAt, second!.cycle);
    expect(third?.dueAt).toBe('2025-03-06T00:00:00.000Z');
    expect(nextCycleOccurrence(third!.dueAt, third!.cycle)).toBeUndefined();
  });

  it('given a start event that is not a timer, when asked for its schedule, then START_EVENT_NOT_FOUND', async () => {
    const model = await load(`<startEvent id="start"/>${userTask('t')}<endEvent id="end"/>${chain('start', 't', 'end')}`);
    expect(() => startTimerSchedule(model, 'start', deps)).toThrow(expect.objectContaining({ code: 'START_EVENT_NOT_FOUND' }));
  });
});

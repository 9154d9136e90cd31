import { describe, expect, it } from 'vitest';
import { ALARM_LIFECYCLE_EVENTS, ALARM_STATUSES, ALARM_STATUS_LABELS, alarmAccuracy, isOpenAlarm, nextAlarmStatus, type AlarmLifecycleEvent, type AlarmStatus } from './lifecycle.ts';

const walk = (status: AlarmStatus, ...types: AlarmLifecycleEvent['type'][]) => types.reduce<ReturnType<typeof nextAlarmStatus>>(
  (result, type) => ('status' in result ? nextAlarmStatus(result.status, { type }) : result), { status },
);

describe('alarm lifecycle (000 §4.2.4 item 3 报警与处置管理)', () => {
  it('given an active alarm, when acknowledged, handled by a case, resolved and closed, then it ends closed', () => {
    expect(nextAlarmStatus('active', { type: 'ACKNOWLEDGE' })).toEqual({ status: 'acknowledged' });
    expect(nextAlarmStatus('acknowledged', { type: 'HANDLE' })).toEqual({ status: 'handling' });
    expect(nextAlarmStatus('handling', { type: 'RESOLVE' })).toEqual({ status: 'resolved' });
    expect(nextAlarmStatus('resolved', { type: 'CLOSE' })).toEqual({ status: 'closed' });
  });

  it('given an alarm whose process starts at once (startProcess), when the case is linked, then it goes from active straight to handling', () => {
    expect(nextAlarmStatus('active', { type: 'HANDLE' })).toEqual({ status: 'handling' });
  });

  it('given an alarm nobody handles yet, when telemetry clears, then it is resolved (active or acknowledged)', () => {
    expect(nextAlarmStatus('active', { type: 'CLEAR' })).toEqual({ status: 'resolved' });
    expect(nextAlarmStatus('acknowledged', { type: 'CLEAR' })).toEqual({ status: 'resolved' });
  });

  it('given an alarm being handled or already resolved, when telemetry clears, then the clear is accepted and the status stays', () => {
    expect(nextAlarmStatus('handling', { type: 'CLEAR' })).toEqual({ status: 'handling' });
    expect(nextAlarmStatus('resolved', { type: 'CLEAR' })).toEqual({ status: 'resolved' });
  });

  it('given an open alarm, when it escalates, then the status is kept', () => {
    for (const status of ['active', 'acknowledged', 'handling'] as const) expect(nextAlarmStatus(status, { type: 'ESCALATE' })).toEqual({ status });
  });

  it('given an open alarm, when judged a false alarm (误报), then it is final from active, acknowledged or handling', () => {
    for (const status of ['active', 'acknowledged', 'handling'] as const) expect(nextAlarmStatus(status, { type: 'FALSE_ALARM' })).toEqual({ status: 'falseAlarm' });
    expect(nextAlarmStatus('resolved', { type: 'FALSE_ALARM' })).toEqual({ error: 'transitionNotAllowed' });
  });

  it('given an illegal jump, when asked, then it is refused with transitionNotAllowed', () => {
    expect(nextAlarmStatus('active', { type: 'CLOSE' })).toEqual({ error: 'transitionNotAllowed' });
    expect(nextAlarmStatus('active', { type: 'RESOLVE' })).toEqual({ error: 'transitionNotAllowed' });
    expect(nextAlarmStatus('handling', { type: 'ACKNOWLEDGE' })).toEqual({ error: 'transitionNotAllowed' });
    expect(nextAlarmStatus('resolved', { type: 'ESCALATE' })).toEqual({ error: 'transitionNotAllowed' });
    expect(walk('active', 'ACKNOWLEDGE', 'ACKNOWLEDGE')).toEqual({ error: 'transitionNotAllowed' });
  });

  it('given a closed or false alarm, when anything happens, then every event is refused with alarmFinal', () => {
    for (const status of ['closed', 'falseAlarm'] as const) {
      for (const type of ALARM_LIFECYCLE_EVENTS) expect(nextAlarmStatus(status, { type })).toEqual({ error: 'alarmFinal' });
    }
  });

  it('given every status, when listed, then each has a zh-CN and an English label and only the first three are open', () => {
    expect(ALARM_STATUSES.map((s) => ALARM_STATUS_LABELS[s]['zh-CN'])).toEqual(['报警中', '已确认', '处置中', '已解除', '已关闭', '误报']);
    expect(ALARM_STATUSES.every((s) => ALARM_STATUS_LABELS[s].en.length > 0)).toBe(true);
    expect(ALARM_STATUSES.filter(isOpenAlarm)).toEqual(['active', 'acknowledged', 'handling']);
  });
});

describe('报警准确率 (001 Appendix C item 33: ≥ 90 %)', () => {
  it('given 200 alarms of which 12 were false, when computed, then it is 1 − 12/200 = 94 %', () => {
    expect(alarmAccuracy({ total: 200, falseAlarms: 12 })).toBeCloseTo(0.94);
  });

  it('given no alarms, when computed, then there is no value (not 100 %)', () => {
    expect(alarmAccuracy({ total: 0, falseAlarms: 0 })).toBeNull();
  });

  it('given inconsistent counts, when computed, then it stays within 0 … 1', () => {
    expect(alarmAccuracy({ total: 5, falseAlarms: 9 })).toBe(0);
  });
});

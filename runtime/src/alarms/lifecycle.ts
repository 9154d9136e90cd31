/**
 * The lifecycle of one alarm (报警) as an xstate machine — the 报警与处置管理 of 000 §4.2.4 item 3:
 * 报警中 → 已确认 → 处置中 (its case or work order started or linked) → 已解除 → 已关闭, with 误报
 * from any open status before it is resolved. Telemetry clearing (the evaluator's `clear`)
 * resolves an alarm nobody is handling yet; once a case handles it, the case decides (a clear
 * is accepted and changes nothing). Escalation keeps the status. 误报 feeds 报警准确率
 * (001 Appendix C item 33: 运行监测报警准确率 ≥ 90 %). The machine guards status changes: an
 * illegal jump is refused, never stored.
 */
import { createActor, setup, type SnapshotFrom } from 'xstate';

export const ALARM_STATUSES = ['active', 'acknowledged', 'handling', 'resolved', 'closed', 'falseAlarm'] as const;
export type AlarmStatus = (typeof ALARM_STATUSES)[number];

export const ALARM_STATUS_LABELS: Readonly<Record<AlarmStatus, { readonly 'zh-CN': string; readonly en: string }>> = {
  active: { 'zh-CN': '报警中', en: 'Active' },
  acknowledged: { 'zh-CN': '已确认', en: 'Acknowledged' },
  handling: { 'zh-CN': '处置中', en: 'Handling' },
  resolved: { 'zh-CN': '已解除', en: 'Resolved' },
  closed: { 'zh-CN': '已关闭', en: 'Closed' },
  falseAlarm: { 'zh-CN': '误报', en: 'False alarm' },
};

export type AlarmLifecycleEvent =
  | { type: 'ACKNOWLEDGE' } // 确认
  | { type: 'HANDLE' } // 案件/工单已启动或关联
  | { type: 'CLEAR' } // 监测数据恢复正常
  | { type: 'RESOLVE' } // 处置完成
  | { type: 'CLOSE' } // 关闭
  | { type: 'FALSE_ALARM' } // 判定误报
  | { type: 'ESCALATE' }; // 升级（状态不变）

export const ALARM_LIFECYCLE_EVENTS = ['ACKNOWLEDGE', 'HANDLE', 'CLEAR', 'RESOLVE', 'CLOSE', 'FALSE_ALARM', 'ESCALATE'] as const satisfies readonly AlarmLifecycleEvent['type'][];

export const alarmLifecycle = setup({ types: { events: {} as AlarmLifecycleEvent } }).createMachine({
  id: 'alarm',
  initial: 'active',
  states: {
    // Self-transitions (accepted, status kept) name their own state: xstate's `can` ignores targetless ones.
    active: { on: { ACKNOWLEDGE: 'acknowledged', HANDLE: 'handling', CLEAR: 'resolved', FALSE_ALARM: 'falseAlarm', ESCALATE: 'active' } },
    acknowledged: { on: { HANDLE: 'handling', CLEAR: 'resolved', RESOLVE: 'resolved', FALSE_ALARM: 'falseAlarm', ESCALATE: 'acknowledged' } },
    handling: { on: { RESOLVE: 'resolved', FALSE_ALARM: 'falseAlarm', CLEAR: 'handling', ESCALATE: 'handling' } },
    resolved: { on: { CLOSE: 'closed', CLEAR: 'resolved' } },
    closed: { type: 'final' },
    falseAlarm: { type: 'final' },
  },
});

/** Why a change is refused: the alarm is closed or a false alarm, or the step is not one the lifecycle has. */
export type AlarmTransitionError = 'alarmFinal' | 'transitionNotAllowed';

export type AlarmTransition = { readonly status: AlarmStatus } | { readonly error: AlarmTransitionError };

const FINAL: ReadonlySet<AlarmStatus> = new Set(['closed', 'falseAlarm']);

/**
 * The status after `event`, or why it is refused (the platform answers 409).
 *
 * @example
 * nextAlarmStatus('active', { type: 'ACKNOWLEDGE' }); // { status: 'acknowledged' }
 * nextAlarmStatus('closed', { type: 'ACKNOWLEDGE' }); // { error: 'alarmFinal' }
 */
export function nextAlarmStatus(status: AlarmStatus, event: AlarmLifecycleEvent): AlarmTransition {
  if (FINAL.has(status)) return { error: 'alarmFinal' };
  const before: SnapshotFrom<typeof alarmLifecycle> = alarmLifecycle.resolveState({ value: status });
  if (!before.can(event)) return { error: 'transitionNotAllowed' };
  const actor = createActor(alarmLifecycle, { snapshot: before });
  actor.start();
  actor.send(event);
  const after = actor.getSnapshot().value as AlarmStatus;
  actor.stop();
  return { status: after };
}

/** Still needs someone (alarm lists, reminders): not yet resolved, closed or a false alarm. */
export const isOpenAlarm = (status: AlarmStatus): boolean => status === 'active' || status === 'acknowledged' || status === 'handling';

/** 报警准确率 = 1 − false alarms / all alarms (001 Appendix C item 33); null without alarms. */
export function alarmAccuracy(counts: { readonly total: number; readonly falseAlarms: number }): number | null {
  if (counts.total <= 0) return null;
  return 1 - Math.min(counts.falseAlarms, counts.total) / counts.total;
}

import { describe, expect, it } from 'vitest';
import { alarmRuleContentSchema, type AlarmRuleContent } from './definition.ts';
import { alarmStateSchema, initialAlarmState, prepareAlarmState, ruleFingerprint, type AlarmState } from './state.ts';

const rule = (levels: unknown, extra: Record<string, unknown> = {}): AlarmRuleContent =>
  alarmRuleContentSchema.parse({ scope: { kind: 'deviceType', key: 'gasLeakDetector' }, levels, ...extra });
const gasRule = rule([{ severity: 1, condition: { type: 'simple', expr: 'lel >= 25' } }, { severity: 2, condition: { type: 'duration', expr: 'lel >= 10', minutes: 2 } }]);

const stored: AlarmState = {
  ...initialAlarmState(gasRule),
  active: { severity: 2, raisedAt: 1_000 },
  lastReadingAt: 2_000,
  lastRemindAt: 1_000,
  clearSince: 1_500,
  clearLast: true,
  conditions: { 'levels[1].condition': { last: true, value: 12, since: 500 } },
  lastValues: { lel: 12 },
};

describe('alarm state', () => {
  it('given a new rule × source, when it starts, then nothing is active and nothing remembered', () => {
    expect(initialAlarmState(gasRule)).toEqual({
      version: 1, fingerprint: ruleFingerprint(gasRule), active: null, lastReadingAt: null, lastRemindAt: null,
      clearSince: null, clearLast: null, conditions: {}, lastValues: {},
    });
    expect(prepareAlarmState(gasRule, null)).toEqual(initialAlarmState(gasRule));
  });

  it('given a stored state of the same rule, when prepared, then it is an equal copy, never the stored object', () => {
    const prepared = prepareAlarmState(gasRule, stored);
    expect(prepared).toEqual(stored);
    expect(prepared).not.toBe(stored);
    expect(prepared.conditions).not.toBe(stored.conditions);
  });

  it('given a stored state, when the rule\'s conditions changed, then condition memory and the clear timer start afresh; the alarm, times and values stay', () => {
    const changed = rule([{ severity: 1, condition: { type: 'simple', expr: 'lel >= 20' } }]);
    expect(prepareAlarmState(changed, stored)).toEqual({
      ...stored, fingerprint: ruleFingerprint(changed), conditions: {}, clearSince: null, clearLast: null,
    });
  });

  it('given a change to actions or the schedule only, when prepared, then the memory is kept (the fingerprint covers levels and clear)', () => {
    const reminding = rule(gasRule.levels, { actions: { remindEveryMinutes: 10 }, schedule: { from: '08:00', to: '18:00' } });
    expect(ruleFingerprint(reminding)).toBe(ruleFingerprint(gasRule));
    expect(ruleFingerprint(rule(gasRule.levels, { clear: { afterMinutes: 5 } }))).not.toBe(ruleFingerprint(gasRule));
  });

  it('given the same rule with its keys in another order (as jsonb returns it), when fingerprinted, then the fingerprint is the same', () => {
    const reordered = JSON.parse('{"levels":[{"condition":{"minutes":2,"expr":"lel >= 10","type":"duration"},"severity":2}],"scope":{"key":"x","kind":"deviceType"},"actions":{}}') as AlarmRuleContent;
    const original = rule([{ severity: 2, condition: { type: 'duration', expr: 'lel >= 10', minutes: 2 } }]);
    expect(ruleFingerprint(reordered)).toBe(ruleFingerprint(original));
    expect(ruleFingerprint(gasRule)).not.toBe(ruleFingerprint(original));
    expect(ruleFingerprint(original)).toMatch(/^[0-9a-f]{8}$/);
  });

  it('given a stored state, when read back through the schema, then it is accepted as it is', () => {
    expect(alarmStateSchema.parse(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
  });

  it('given stored state of another shape, when read back, then the schema refuses it', () => {
    expect(alarmStateSchema.safeParse({ ...stored, version: 2 }).success).toBe(false);
    expect(alarmStateSchema.safeParse({ ...stored, active: { severity: 5, raisedAt: 1 } }).success).toBe(false);
    expect(alarmStateSchema.safeParse({ ...stored, conditions: { x: { last: 'yes', value: null } } }).success).toBe(false);
    expect(alarmStateSchema.safeParse({ ...stored, conditions: { x: { last: true, value: null, hits: Array.from({ length: 101 }, () => 1) } } }).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { deviceTypeContentSchema } from '../devices/definition.ts';
import { alarmRuleContentSchema, createAlarmEnvironment, type AlarmEnvironment, type AlarmRuleContent } from './definition.ts';
import {
  MAX_RATE_SAMPLES, alarmProcessVariables, alarmStateSchema, evaluateReading, evaluateTick, isOnDuty,
  type AlarmEvent, type AlarmReading, type AlarmState,
} from './evaluator.ts';

const metric = (key: string, extra: Record<string, unknown> = {}) => ({ key, name: key, samplingSeconds: 60, ...extra });
const manholeSensor = deviceTypeContentSchema.parse({
  name: '智能井盖监测终端', domain: 'water', module: 'drainage',
  metrics: [metric('open', { flag: true }), metric('tilt'), metric('displacement'), metric('battery')],
});
const gasDetector = deviceTypeContentSchema.parse({ name: '可燃气体探测器', domain: 'pipelines', module: 'gas', metrics: [metric('lel', { unit: '%LEL' }), metric('battery')] });
const pressureMonitor = deviceTypeContentSchema.parse({ name: '供水管网压力监测仪', domain: 'water', module: 'waterSupply', metrics: [metric('pressure', { unit: 'MPa' }), metric('level')] });

const manholeEnv = createAlarmEnvironment({ metrics: manholeSensor.metrics, thresholds: ['tiltMax'] });
const gasEnv = createAlarmEnvironment({ metrics: gasDetector.metrics });
const pressureEnv = createAlarmEnvironment({ metrics: pressureMonitor.metrics });

const rule = (content: Record<string, unknown>): AlarmRuleContent => alarmRuleContentSchema.parse({ scope: { kind: 'deviceType', key: 'x' }, ...content });

/** 004 §4.1.3.1 窨井盖 丢失/开启/移位 → 自动报警: open or tilted > 15° is 二级, displaced is 一级. */
const manholeRule = rule({
  levels: [
    { severity: 2, condition: { type: 'composite', op: 'or', conditions: [{ type: 'simple', expr: 'open' }, { type: 'simple', expr: 'tilt > 15' }] } },
    { severity: 1, condition: { type: 'simple', expr: 'displacement > 50' } },
  ],
});
/** Gas: ≥ 25 %LEL is 一级 (red) at once; ≥ 10 %LEL held for 2 minutes is 二级. */
const gasRule = rule({
  levels: [
    { severity: 1, condition: { type: 'simple', expr: 'lel >= 25' } },
    { severity: 2, condition: { type: 'duration', expr: 'lel >= 10', minutes: 2 } },
  ],
});
/** Pipe burst (000 §4.2.4 4-2) 管网爆管预警: pressure drops by ≥ 0.1 MPa within 5 minutes. */
const burstRule = rule({ levels: [{ severity: 1, condition: { type: 'rate', metric: 'pressure', windowMinutes: 5, change: -0.1 } }] });
/** 000 table 5.2.4: a device is online when it sent data within 72 h. */
const offlineRule = rule({ levels: [{ severity: 4, condition: { type: 'offline', hours: 72 } }] });

/** Monday 2026-03-02 10:00 in Beijing. */
const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (minutes: number) => T0 + minutes * MIN;

/** Feeds readings and ticks through one rule × source, keeping the state as the platform would (JSON round trip). */
function source(content: AlarmRuleContent, environment: AlarmEnvironment) {
  let state: AlarmState | null = null;
  const log: AlarmEvent[] = [];
  const keep = (result: { state: AlarmState; events: readonly AlarmEvent[] }) => {
    state = JSON.parse(JSON.stringify(result.state)) as AlarmState;
    log.push(...result.events);
    return result.events;
  };
  return {
    reading: (minutes: number, values: AlarmReading['values'], extra: Partial<AlarmReading> = {}) =>
      keep(evaluateReading(content, state, { ts: at(minutes), values, ...extra }, { environment })),
    tick: (minutes: number, lastSeenAt: number | null = null) => keep(evaluateTick(content, state, at(minutes), lastSeenAt)),
    get state() { return state!; },
    log,
  };
}
const types = (events: readonly AlarmEvent[]) => events.map((e) => (e.type === 'escalate' ? `escalate ${e.from}→${e.to}` : `${e.type} ${e.severity}`));

describe('manhole cover rule (004 §4.1.3.1 井盖丢失、开启、移位 → 自动报警)', () => {
  it('given a closed, level cover, when it opens, then a severity-2 alarm is raised with the reading\'s values', () => {
    const cover = source(manholeRule, manholeEnv);
    expect(cover.reading(0, { open: 0, tilt: 2, displacement: 0 })).toEqual([]);
    expect(cover.reading(1, { open: 1, tilt: 3, displacement: 0 })).toEqual([{ type: 'raise', severity: 2, value: 1, values: { open: true, tilt: 3, displacement: 0 }, at: at(1) }]);
  });

  it('given a cover tilted by 20°, when read, then it raises severity 2 with the tilt as value (flags may be booleans)', () => {
    const cover = source(manholeRule, manholeEnv);
    expect(cover.reading(0, { open: false, tilt: 20, displacement: 0 })).toMatchObject([{ type: 'raise', severity: 2, value: 20 }]);
  });

  it('given an open cover, when it keeps reporting open, then nothing more is raised (one alarm per rule × device)', () => {
    const cover = source(manholeRule, manholeEnv);
    cover.reading(0, { open: 1, tilt: 3, displacement: 0 });
    for (let m = 1; m <= 5; m++) expect(cover.reading(m, { open: 1, tilt: 3 + m, displacement: 0 })).toEqual([]);
    expect(cover.state.active).toEqual({ severity: 2, raisedAt: at(0) });
  });

  it('given an open cover, when it is also displaced, then the alarm escalates to 1 and does not fall back to 2 when the displacement ends', () => {
    const cover = source(manholeRule, manholeEnv);
    cover.reading(0, { open: 1, tilt: 3, displacement: 0 });
    expect(cover.reading(1, { open: 1, tilt: 3, displacement: 80 })).toEqual([{ type: 'escalate', from: 2, to: 1, value: 80, at: at(1) }]);
    expect(cover.reading(2, { open: 1, tilt: 3, displacement: 0 })).toEqual([]);
    expect(cover.state.active?.severity).toBe(1);
    expect(cover.reading(3, { open: 0, tilt: 2, displacement: 0 })).toEqual([{ type: 'clear', severity: 1, at: at(3) }]);
  });

  it('given a displaced cover first, when read, then the most severe level wins at once', () => {
    const cover = source(manholeRule, manholeEnv);
    expect(types(cover.reading(0, { open: 1, tilt: 40, displacement: 90 }))).toEqual(['raise 1']);
  });

  it('given an active alarm, when a battery-only heartbeat arrives, then it neither clears nor raises again (unknown is not false)', () => {
    const cover = source(manholeRule, manholeEnv);
    cover.reading(0, { open: 1, tilt: 3, displacement: 0 });
    expect(cover.reading(60, { battery: 80 })).toEqual([]);
    expect(cover.state.active?.severity).toBe(2);
  });

  it('given no alarm, when a reading lacks the metrics, then nothing is raised', () => {
    const cover = source(manholeRule, manholeEnv);
    expect(cover.reading(0, { battery: 80, open: null, tilt: Number.NaN })).toEqual([]);
  });

  it('given a composite "or", when one part is unknown and the other true, then it holds (Kleene); a single expression over a missing metric stays unknown', () => {
    const cover = source(manholeRule, manholeEnv);
    expect(types(cover.reading(0, { tilt: 20 }))).toEqual(['raise 2']);
    const single = source(rule({ levels: [{ severity: 2, condition: { type: 'simple', expr: 'open || tilt > 15' } }] }), manholeEnv);
    expect(single.reading(0, { tilt: 20 })).toEqual([]);
  });

  it('given a composite "and", when a part is unknown, then it does not hold', () => {
    const both = source(rule({ levels: [{ severity: 1, condition: { type: 'composite', op: 'and', conditions: [{ type: 'simple', expr: 'open' }, { type: 'simple', expr: 'tilt > 15' }] } }] }), manholeEnv);
    expect(both.reading(0, { open: 1 })).toEqual([]);
    expect(types(both.reading(1, { open: 1, tilt: 30 }))).toEqual(['raise 1']);
  });

  it('given a per-device threshold, when read, then it replaces the default; absent, the default applies', () => {
    const tilted = rule({ levels: [{ severity: 2, condition: { type: 'simple', expr: 'tilt > (threshold.tiltMax ?? 15)' } }] });
    const withThreshold = source(tilted, manholeEnv);
    expect(withThreshold.reading(0, { tilt: 20 }, { threshold: { tiltMax: 30 } })).toEqual([]);
    expect(types(withThreshold.reading(1, { tilt: 31 }, { threshold: { tiltMax: 30 } }))).toEqual(['raise 2']);
    expect(types(source(tilted, manholeEnv).reading(0, { tilt: 20 }))).toEqual(['raise 2']);
  });

  it('given an expression giving null (no threshold set), when read, then it is false and may clear', () => {
    const strict = source(rule({ levels: [{ severity: 2, condition: { type: 'simple', expr: 'tilt > threshold.tiltMax' } }] }), manholeEnv);
    expect(types(strict.reading(0, { tilt: 20 }, { threshold: { tiltMax: 10 } }))).toEqual(['raise 2']);
    expect(types(strict.reading(1, { tilt: 20 }))).toEqual(['clear 2']);
  });

  it('given an expression that fails at run time, when read, then the condition is unknown and the error is reported, not thrown', () => {
    const env = createAlarmEnvironment({ metrics: manholeSensor.metrics });
    const failing = rule({ levels: [{ severity: 2, condition: { type: 'simple', expr: 'tilt > attributes.limits.tilt' } }] });
    const result = evaluateReading(failing, null, { ts: T0, values: { tilt: 20 }, attributes: {} }, { environment: env });
    expect(result.events).toEqual([]);
    expect(result.errors).toMatchObject([{ path: 'levels[0].condition.expr', diagnostic: { code: 'memberOfNull' } }]);
  });

  it('given an unchecked rule naming an unknown metric, when read, then the compile error is reported and nothing raised', () => {
    const unchecked = rule({ levels: [{ severity: 2, condition: { type: 'simple', expr: 'depth > 1' } }] });
    const result = evaluateReading(unchecked, null, { ts: T0, values: { tilt: 1 } }, { environment: manholeEnv });
    expect(result.events).toEqual([]);
    expect(result.errors).toMatchObject([{ path: 'levels[0].condition.expr', diagnostic: { code: 'unknownVariable' } }]);
  });
});

describe('gas LEL rule with a duration level (≥ 25 %LEL → 1 red; ≥ 10 %LEL for 2 min → 2)', () => {
  it('given 12 %LEL, when it holds for 2 minutes of readings, then severity 2 is raised at the reading that completes them', () => {
    const gas = source(gasRule, gasEnv);
    expect(gas.reading(0, { lel: 12 })).toEqual([]);
    expect(gas.reading(1, { lel: 13 })).toEqual([]);
    expect(gas.reading(2, { lel: 12 })).toEqual([{ type: 'raise', severity: 2, value: 12, values: { lel: 12 }, at: at(2) }]);
  });

  it('given 12 %LEL and a detector reporting every 5 minutes, when 2 minutes pass, then a tick raises severity 2 with the last value', () => {
    const gas = source(gasRule, gasEnv);
    gas.reading(0, { lel: 12 });
    expect(gas.tick(1)).toEqual([]);
    expect(gas.tick(2)).toEqual([{ type: 'raise', severity: 2, value: 12, values: { lel: 12 }, at: at(2) }]);
  });

  it('given 12 %LEL, when a reading below 10 interrupts it, then the 2 minutes start again', () => {
    const gas = source(gasRule, gasEnv);
    gas.reading(0, { lel: 12 });
    gas.reading(1, { lel: 8 });
    expect(gas.reading(2, { lel: 12 })).toEqual([]);
    expect(gas.tick(3)).toEqual([]);
    expect(types(gas.tick(4))).toEqual(['raise 2']);
  });

  it('given a heartbeat without lel, when it arrives within the 2 minutes, then it neither interrupts nor completes them', () => {
    const gas = source(gasRule, gasEnv);
    gas.reading(0, { lel: 12 });
    expect(gas.reading(1, { battery: 90 })).toEqual([]);
    expect(types(gas.reading(2, { lel: 11 }))).toEqual(['raise 2']);
  });

  it('given 30 %LEL, when read, then severity 1 is raised at once; falling to 15 keeps it (a duration delays the raise, not the clear); below 10 clears it', () => {
    const gas = source(gasRule, gasEnv);
    expect(gas.reading(0, { lel: 30 })).toMatchObject([{ type: 'raise', severity: 1, value: 30 }]);
    expect(gas.reading(1, { lel: 15 })).toEqual([]);
    expect(gas.tick(2)).toEqual([]);
    expect(gas.reading(3, { lel: 6 })).toEqual([{ type: 'clear', severity: 1, at: at(3) }]);
  });

  it('given a severity-2 alarm, when LEL reaches 27, then it escalates to 1', () => {
    const gas = source(gasRule, gasEnv);
    gas.reading(0, { lel: 12 });
    gas.reading(2, { lel: 12 });
    expect(gas.reading(3, { lel: 27 })).toEqual([{ type: 'escalate', from: 2, to: 1, value: 27, at: at(3) }]);
  });

  it('given an explicit clear condition (hysteresis: clear below 5 %LEL for 5 min), when LEL falls to 8, then it stays; below 5 it clears 5 minutes later', () => {
    const gas = source({ ...gasRule, clear: { expr: 'lel < 5', afterMinutes: 5 } }, gasEnv);
    gas.reading(0, { lel: 30 });
    expect(gas.reading(1, { lel: 8 })).toEqual([]);
    expect(gas.reading(2, { lel: 3 })).toEqual([]);
    expect(gas.reading(4, { lel: 4 })).toEqual([]);
    expect(gas.tick(6)).toEqual([]);
    expect(gas.tick(7)).toEqual([{ type: 'clear', severity: 1, at: at(7) }]);
  });

  it('given a pending clear, when the condition comes back within afterMinutes, then the clear timer starts again', () => {
    const gas = source({ ...gasRule, clear: { afterMinutes: 5 } }, gasEnv);
    gas.reading(0, { lel: 30 });
    gas.reading(1, { lel: 2 });
    gas.reading(3, { lel: 12 });
    gas.reading(4, { lel: 2 });
    expect(gas.tick(8)).toEqual([]);
    expect(types(gas.tick(9))).toEqual(['clear 1']);
  });
});

describe('pipe-burst rate rule (pressure drop ≥ 0.1 MPa within 5 min)', () => {
  it('given pressure falling from 0.40 to 0.28 MPa within 4 minutes, when read, then severity 1 is raised at the drop with the pressure as value', () => {
    const pipe = source(burstRule, pressureEnv);
    for (const [m, p] of [[0, 0.4], [1, 0.4], [2, 0.38], [3, 0.34]] as const) expect(pipe.reading(m, { pressure: p })).toEqual([]);
    expect(pipe.reading(4, { pressure: 0.28 })).toEqual([{ type: 'raise', severity: 1, value: 0.28, values: { pressure: 0.28 }, at: at(4) }]);
  });

  it('given a slow decline of 0.015 MPa a minute, when read for 20 minutes, then no 5-minute window drops by 0.1 and nothing is raised', () => {
    const pipe = source(burstRule, pressureEnv);
    for (let m = 0; m <= 20; m++) expect(pipe.reading(m, { pressure: 0.5 - 0.015 * m })).toEqual([]);
  });

  it('given the peak older than the window, when the pressure is low, then it does not count', () => {
    const pipe = source(burstRule, pressureEnv);
    pipe.reading(0, { pressure: 0.45 });
    expect(pipe.reading(6, { pressure: 0.3 })).toEqual([]);
  });

  it('given a first reading only, when read, then there is nothing to compare with', () => {
    expect(source(burstRule, pressureEnv).reading(0, { pressure: 0.01 })).toEqual([]);
  });

  it('given a burst alarm, when the peak leaves the window, then it clears; a clear expression keeps it until the pressure recovers', () => {
    const pipe = source(burstRule, pressureEnv);
    pipe.reading(0, { pressure: 0.4 });
    pipe.reading(1, { pressure: 0.25 });
    expect(pipe.reading(2, { pressure: 0.27 })).toEqual([]);
    expect(types(pipe.reading(6, { pressure: 0.3 }))).toEqual(['clear 1']);
    const held = source({ ...burstRule, clear: { expr: 'pressure >= 0.35' } }, pressureEnv);
    held.reading(0, { pressure: 0.4 });
    held.reading(1, { pressure: 0.25 });
    expect(held.reading(6, { pressure: 0.3 })).toEqual([]);
    expect(types(held.reading(8, { pressure: 0.36 }))).toEqual(['clear 1']);
  });

  it('given a positive change (a rise, e.g. a pipe level rising 0.5 m in 10 min), when read, then it holds only for rises', () => {
    const rising = source(rule({ levels: [{ severity: 3, condition: { type: 'rate', metric: 'level', windowMinutes: 10, change: 0.5 } }] }), pressureEnv);
    rising.reading(0, { level: 1.2 });
    expect(rising.reading(3, { level: 0.5 })).toEqual([]);
    expect(types(rising.reading(6, { level: 1.1 }))).toEqual(['raise 3']);
  });

  it('given thousands of readings, when stored, then the samples stay bounded (only candidates for the window\'s peak are kept)', () => {
    const wide = rule({ levels: [{ severity: 1, condition: { type: 'rate', metric: 'pressure', windowMinutes: 7 * 24 * 60, change: -3 } }] });
    const rising = source(wide, pressureEnv);
    for (let m = 0; m < 2000; m++) rising.reading(m, { pressure: 0.1 + m / 10_000 });
    expect(rising.state.conditions['levels[0].condition']!.samples).toHaveLength(1);
    const falling = source(wide, pressureEnv);
    for (let m = 0; m < 2000; m++) falling.reading(m, { pressure: 2 - m / 10_000 });
    expect(falling.state.conditions['levels[0].condition']!.samples!.length).toBe(MAX_RATE_SAMPLES);
  });
});

describe('offline rule (000 table 5.2.4: online = data within 72 h)', () => {
  it('given a device last seen at T0, when 71 h pass, then it is online; at 72 h a severity-4 alarm is raised with the hours silent', () => {
    const device = source(offlineRule, pressureEnv);
    expect(device.tick(71 * 60, T0)).toEqual([]);
    expect(device.tick(72 * 60, T0)).toEqual([{ type: 'raise', severity: 4, value: 72, values: {}, at: at(72 * 60) }]);
    expect(device.tick(80 * 60, T0)).toEqual([]);
  });

  it('given an offline alarm, when data arrives, then it clears', () => {
    const device = source(offlineRule, pressureEnv);
    device.tick(73 * 60, T0);
    expect(device.reading(74 * 60, { pressure: 0.3 })).toEqual([{ type: 'clear', severity: 4, at: at(74 * 60) }]);
  });

  it('given an offline alarm at facility scope, when any device of the facility reports (newer lastSeenAt), then a tick clears it', () => {
    const facility = source(offlineRule, pressureEnv);
    facility.tick(73 * 60, T0);
    expect(types(facility.tick(74 * 60, at(73 * 60 + 30)))).toEqual(['clear 4']);
  });

  it('given a source never seen, when ticked, then offline is unknown and nothing is raised', () => {
    expect(source(offlineRule, pressureEnv).tick(1000 * 60, null)).toEqual([]);
  });

  it('given readings the evaluator saw, when ticked without lastSeenAt, then the last reading counts as seen', () => {
    const device = source(offlineRule, pressureEnv);
    device.reading(0, { pressure: 0.3 });
    expect(types(device.tick(72 * 60))).toEqual(['raise 4']);
  });

  it('given a value rule and an offline level, when silent with a stale true value, then the more severe value alarm stays (no de-escalation)', () => {
    const both = source(rule({ levels: [{ severity: 1, condition: { type: 'simple', expr: 'pressure < 0.1' } }, { severity: 4, condition: { type: 'offline', hours: 72 } }] }), pressureEnv);
    both.reading(0, { pressure: 0.05 });
    expect(both.tick(100 * 60)).toEqual([]);
    expect(both.state.active?.severity).toBe(1);
  });
});

describe('repeat conditions', () => {
  const repeated = rule({ levels: [{ severity: 3, condition: { type: 'repeat', expr: 'tilt > 15', count: 3, windowMinutes: 10 } }] });

  it('given three hits within 10 minutes, when read, then severity 3 is raised at the third', () => {
    const cover = source(repeated, manholeEnv);
    cover.reading(0, { tilt: 20 });
    cover.reading(2, { tilt: 5 });
    cover.reading(4, { tilt: 18 });
    expect(types(cover.reading(9, { tilt: 16 }))).toEqual(['raise 3']);
    expect(cover.state.conditions['levels[0].condition']!.hits).toEqual([at(0), at(4), at(9)]);
  });

  it('given hits spread over more than the window, when read, then nothing is raised and at most `count` hits are kept', () => {
    const cover = source(repeated, manholeEnv);
    for (const m of [0, 6, 12, 18, 24]) expect(cover.reading(m, { tilt: 20 })).toEqual([]);
    expect(cover.state.conditions['levels[0].condition']!.hits!.length).toBeLessThanOrEqual(3);
  });

  it('given a repeat alarm, when the hits age out of the window, then a tick clears it', () => {
    const cover = source(repeated, manholeEnv);
    for (const m of [0, 1, 2]) cover.reading(m, { tilt: 20 });
    expect(cover.tick(9)).toEqual([]);
    expect(types(cover.tick(11))).toEqual(['clear 3']);
  });
});

describe('schedules (Asia/Shanghai wall time)', () => {
  const night = { from: '22:00', to: '06:00' };
  const nightRule = { ...manholeRule, schedule: night };

  it('given a night-duty rule, when a cover opens at 10:00, then nothing is raised; at 23:00 it is', () => {
    const cover = source(nightRule, manholeEnv);
    expect(cover.reading(0, { open: 1 })).toEqual([]);
    expect(cover.reading(60, { open: 0 })).toEqual([]);
    expect(types(cover.reading(13 * 60, { open: 1 }))).toEqual(['raise 2']);
  });

  it('given a condition holding when duty starts, when a tick comes, then it is raised then', () => {
    const cover = source(nightRule, manholeEnv);
    cover.reading(11 * 60, { open: 1 });
    expect(cover.tick(11 * 60 + 59)).toEqual([]);
    expect(cover.tick(12 * 60)).toMatchObject([{ type: 'raise', severity: 2, at: at(12 * 60), values: { open: true } }]);
  });

  it('given an active alarm, when duty ends, then it still clears and escalates', () => {
    const cover = source(nightRule, manholeEnv);
    cover.reading(13 * 60, { open: 1, tilt: 0, displacement: 0 });
    expect(types(cover.reading(24 * 60, { open: 1, tilt: 0, displacement: 90 }))).toEqual(['escalate 2→1']);
    expect(types(cover.reading(25 * 60, { open: 0, tilt: 0, displacement: 0 }))).toEqual(['clear 1']);
  });

  it('given days and a window past midnight, when asked, then the window belongs to the day it starts', () => {
    const mondayNight = { days: [1], from: '22:00', to: '06:00' };
    expect(isOnDuty(mondayNight, Date.parse('2026-03-02T23:00:00+08:00'))).toBe(true); // Monday
    expect(isOnDuty(mondayNight, Date.parse('2026-03-03T03:00:00+08:00'))).toBe(true); // Tuesday, Monday's night
    expect(isOnDuty(mondayNight, Date.parse('2026-03-03T23:00:00+08:00'))).toBe(false);
    expect(isOnDuty(mondayNight, Date.parse('2026-03-02T03:00:00+08:00'))).toBe(false); // Sunday's night
    expect(isOnDuty({ days: [7], from: '22:00', to: '06:00' }, Date.parse('2026-03-02T03:00:00+08:00'))).toBe(true);
  });

  it('given working hours to 24:00 on weekdays, when asked in another host zone\'s terms, then Beijing time decides', () => {
    const weekdays = { days: [1, 2, 3, 4, 5], from: '08:00', to: '24:00' };
    expect(isOnDuty(weekdays, Date.parse('2026-03-02T00:30:00Z'))).toBe(true); // 08:30 Monday in Beijing
    expect(isOnDuty(weekdays, Date.parse('2026-03-01T23:30:00Z'))).toBe(false); // 07:30
    expect(isOnDuty(weekdays, Date.parse('2026-03-07T15:59:00Z'))).toBe(false); // Saturday 23:59
    expect(isOnDuty(undefined, T0)).toBe(true);
  });
});

describe('reminders', () => {
  const reminding = { ...manholeRule, actions: { remindEveryMinutes: 30 } };

  it('given an active alarm and remindEveryMinutes 30, when ticks pass, then it reminds every 30 minutes and stops once cleared', () => {
    const cover = source(reminding, manholeEnv);
    cover.reading(0, { open: 1 });
    expect(cover.tick(29)).toEqual([]);
    expect(cover.tick(30)).toEqual([{ type: 'remind', severity: 2, at: at(30) }]);
    expect(cover.tick(45)).toEqual([]);
    expect(types(cover.reading(61, { open: 1 }))).toEqual(['remind 2']);
    expect(types(cover.reading(62, { open: 0, tilt: 0, displacement: 0 }))).toEqual(['clear 2']);
    expect(cover.tick(200)).toEqual([]);
  });

  it('given an escalation, when it happens, then the reminder interval starts again', () => {
    const cover = source(reminding, manholeEnv);
    cover.reading(0, { open: 1, displacement: 0 });
    cover.reading(20, { open: 1, displacement: 60 });
    expect(cover.tick(30)).toEqual([]);
    expect(cover.tick(50)).toEqual([{ type: 'remind', severity: 1, at: at(50) }]);
  });
});

describe('readings out of order', () => {
  it('given a newer normal reading, when an older open reading arrives late, then it raises at its own time and the next tick clears it', () => {
    const cover = source(manholeRule, manholeEnv);
    cover.reading(10, { open: 0, tilt: 0, displacement: 0 });
    expect(cover.reading(5, { open: 1, tilt: 0, displacement: 0 })).toMatchObject([{ type: 'raise', severity: 2, at: at(5) }]);
    expect(cover.state.lastReadingAt).toBe(at(10));
    expect(types(cover.tick(11))).toEqual(['clear 2']);
  });

  it('given an active alarm, when an older normal reading arrives, then it does not clear (an old reading says nothing about now)', () => {
    const cover = source(manholeRule, manholeEnv);
    cover.reading(10, { open: 1, tilt: 0, displacement: 0 });
    expect(cover.reading(5, { open: 0, tilt: 0, displacement: 0 })).toEqual([]);
    expect(cover.reading(10, { open: 0, tilt: 0, displacement: 0 })).toEqual([]);
  });

  it('given a duration or repeat in progress, when older readings arrive, then they are ignored', () => {
    const gas = source(gasRule, gasEnv);
    gas.reading(0, { lel: 12 });
    gas.reading(-5, { lel: 12 });
    expect(gas.state.conditions['levels[1].condition']!.since).toBe(at(0));
    const repeated = source(rule({ levels: [{ severity: 3, condition: { type: 'repeat', expr: 'lel > 5', count: 2, windowMinutes: 10 } }] }), gasEnv);
    repeated.reading(5, { lel: 8 });
    expect(repeated.reading(5, { lel: 8 })).toEqual([]);
    expect(repeated.reading(3, { lel: 8 })).toEqual([]);
    expect(repeated.state.conditions['levels[0].condition']!.hits).toEqual([at(5)]);
  });
});

describe('state', () => {
  it('given any evaluation, when the input state is frozen, then it is not mutated and the result is plain JSON the schema accepts', () => {
    const first = evaluateReading(gasRule, null, { ts: T0, values: { lel: 12 } }, { environment: gasEnv }).state;
    const frozen = deepFreeze(JSON.parse(JSON.stringify(first)) as AlarmState);
    const next = evaluateReading(gasRule, frozen, { ts: at(3), values: { lel: 30 } }, { environment: gasEnv });
    expect(next.state).not.toBe(frozen);
    expect(JSON.parse(JSON.stringify(next.state))).toEqual(next.state);
    expect(alarmStateSchema.parse(next.state)).toEqual(next.state);
    expect(evaluateTick(gasRule, frozen, at(10), null).state.active).toEqual({ severity: 2, raisedAt: at(10) });
  });

  it('given the same inputs, when evaluated twice, then the results are equal (deterministic)', () => {
    const once = evaluateReading(burstRule, null, { ts: T0, values: { pressure: 0.4 } }, { environment: pressureEnv });
    expect(evaluateReading(burstRule, null, { ts: T0, values: { pressure: 0.4 } }, { environment: pressureEnv })).toEqual(once);
  });

  it('given a stored state, when the rule\'s levels change, then a tick evaluates by the new conditions and keeps the active alarm', () => {
    const gas = source(gasRule, gasEnv);
    gas.reading(0, { lel: 30 });
    const changed = rule({ levels: [{ severity: 1, condition: { type: 'simple', expr: 'lel >= 20' } }] });
    const next = evaluateTick(changed, gas.state, at(1), null);
    expect([next.events, next.state.conditions, next.state.active]).toEqual([[], {}, { severity: 1, raisedAt: at(0) }]);
    expect(types(evaluateReading(changed, next.state, { ts: at(2), values: { lel: 3 } }, { environment: gasEnv }).events)).toEqual(['clear 1']);
  });
});

describe('conditions reading the clock', () => {
  it('given a condition over NOW(), when read, then the reading\'s time in Beijing is now', () => {
    const nightly = rule({ levels: [{ severity: 3, condition: { type: 'simple', expr: 'open && HOUR(NOW()) >= 22' } }] });
    expect(source(nightly, manholeEnv).reading(0, { open: 1 })).toEqual([]);
    expect(types(source(nightly, manholeEnv).reading(12 * 60 + 30, { open: 1 }))).toEqual(['raise 3']);
  });
});

describe('process variables of startProcess', () => {
  it('given variable expressions, when an alarm starts the process, then they are evaluated over the reading and `alarm`', () => {
    const content = rule({
      ...manholeRule,
      actions: { startProcess: { processKey: 'manholeDisposal', variables: { title: '"井盖报警 " + alarm.deviceCode', urgent: 'alarm.severity <= 1 || displacement > 50', dueAt: 'alarm.raisedAt + 2h' } } },
    });
    const variables = alarmProcessVariables(content, manholeEnv, {
      severity: 2, ruleKey: 'manhole', ruleName: '井盖', scopeKind: 'deviceType', sourceCode: 'MH-001', deviceCode: 'MH-001', facilityCode: 'JG-001', value: 1, raisedAt: T0,
    }, { ts: T0, values: { open: 1, displacement: 80 } });
    expect(variables).toEqual({ title: '井盖报警 MH-001', urgent: true, dueAt: new Date(T0 + 2 * HOUR) });
  });

  it('given a variable expression that does not check, when evaluated, then it throws ExprError', () => {
    const content = rule({ ...manholeRule, actions: { startProcess: { processKey: 'p', variables: { x: 'alarm.nope' } } } });
    expect(() => alarmProcessVariables(content, manholeEnv, { severity: 1, ruleKey: 'r', ruleName: 'r', scopeKind: 'device', sourceCode: 'D', deviceCode: 'D', facilityCode: null, value: null, raisedAt: T0 }))
      .toThrow(/no field "nope"/);
  });
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

import { describe, expect, it } from 'vitest';
import { deviceTypeContentSchema, entityTypeContentSchema } from '../devices/definition.ts';
import {
  ALARM_SEVERITY_LABELS, ALARM_VALIDATION_MESSAGES, alarmRuleContentSchema, checkAlarmRule, createAlarmEnvironment, exportAlarmRules,
  formatPath, parseAlarmRuleBundle, startsProcess, type AlarmCondition,
} from './definition.ts';

// The smart manhole cover sensor of the five-domains template (004 §4.1.3.1 窨井盖 丢失、开启、移位).
const manholeSensor = deviceTypeContentSchema.parse({
  name: '智能井盖监测终端', domain: 'water', module: 'drainage', facilityTypes: ['manholeCover'],
  metrics: [
    { key: 'open', name: '井盖开启', min: 0, max: 1, samplingSeconds: 3600, flag: true },
    { key: 'tilt', name: '倾斜角', unit: '°', min: 0, max: 180, samplingSeconds: 3600 },
    { key: 'displacement', name: '水平位移', unit: 'mm', min: 0, max: 1000, samplingSeconds: 3600 },
    { key: 'battery', name: '电池电量', unit: '%', min: 0, max: 100, samplingSeconds: 86400 },
  ],
});
const manholeCover = entityTypeContentSchema.parse({
  name: '窨井盖', domain: 'water', module: 'drainage', geometry: 'point',
  attributes: [{ key: 'depth', name: '井深', type: 'number', unit: 'm' }, { key: 'material', name: '材质', type: 'string' }],
});
const env = createAlarmEnvironment({ metrics: manholeSensor.metrics, attributes: manholeCover.attributes, thresholds: ['tiltMax'] });

/** 004 §4.1.3.1: cover open or tilted > 15° → 二级; displaced → 一级. */
const manholeRule = {
  scope: { kind: 'deviceType', key: 'manholeCoverSensor' },
  levels: [
    { severity: 2, condition: { type: 'composite', op: 'or', conditions: [{ type: 'simple', expr: 'open' }, { type: 'simple', expr: 'tilt > 15' }] } },
    { severity: 1, condition: { type: 'simple', expr: 'displacement > 50' } },
  ],
  actions: { notifyRoles: ['drainageDuty'], remindEveryMinutes: 30, startProcess: { processKey: 'manholeDisposal', minSeverity: 2, variables: { level: 'alarm.severity', cover: 'alarm.deviceCode' } } },
};

const parse = (overrides: Record<string, unknown>) => alarmRuleContentSchema.safeParse({ ...manholeRule, ...overrides });
const issuesOf = (result: ReturnType<typeof parse>) => (result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]));
const problemsOf = (content: unknown, locale: 'zh-CN' | 'en' = 'en') =>
  checkAlarmRule(alarmRuleContentSchema.parse(content), env, { locale }).map((p) => [p.path, p.diagnostic.code, p.diagnostic.severity]);
const withLevels = (...conditions: AlarmCondition[]) => ({ ...manholeRule, levels: conditions.map((condition, i) => ({ severity: i + 1, condition })) });

describe('alarm rule content', () => {
  it('given the manhole cover rule (004 §4.1.3.1 丢失/开启/移位 → 自动报警), when parsed, then it is accepted as written', () => {
    const content = alarmRuleContentSchema.parse(manholeRule);
    expect(content.levels.map((l) => l.severity)).toEqual([2, 1]);
    expect(content.actions.startProcess?.variables).toEqual({ level: 'alarm.severity', cover: 'alarm.deviceCode' });
  });

  it('given no actions, when parsed, then actions default to none', () => {
    expect(alarmRuleContentSchema.parse({ scope: manholeRule.scope, levels: [manholeRule.levels[1]] }).actions).toEqual({});
  });

  it('given a severity used twice, when parsed, then the second is refused at its path', () => {
    const result = parse({ levels: [manholeRule.levels[0], { ...manholeRule.levels[1], severity: 2 }] });
    expect(issuesOf(result)).toEqual([['levels.1.severity', '#validation.duplicateKey']]);
  });

  it('given no level, five levels or a severity outside 1 … 4, when parsed, then each is refused', () => {
    expect(parse({ levels: [] }).success).toBe(false);
    const five = [1, 2, 3, 4, 4].map((severity) => ({ severity, condition: { type: 'simple', expr: 'open' } }));
    expect(parse({ levels: five }).success).toBe(false);
    expect(issuesOf(parse({ levels: [{ severity: 5, condition: { type: 'simple', expr: 'open' } }] }))[0]![0]).toBe('levels.0.severity');
    expect(parse({ levels: [{ severity: 0, condition: { type: 'simple', expr: 'open' } }] }).success).toBe(false);
  });

  it('given an empty expression or an unknown condition type, when parsed, then it is refused', () => {
    expect(issuesOf(parse({ levels: [{ severity: 1, condition: { type: 'simple', expr: '  ' } }] }))[0]![0]).toBe('levels.0.condition.expr');
    expect(parse({ levels: [{ severity: 1, condition: { type: 'threshold', expr: 'open' } }] }).success).toBe(false);
  });

  it('given an offline condition inside a composite, when parsed, then it is refused: offline is about the absence of readings', () => {
    const result = parse({ levels: [{ severity: 3, condition: { type: 'composite', op: 'and', conditions: [{ type: 'offline', hours: 72 }, { type: 'simple', expr: 'open' }] } }] });
    expect(issuesOf(result)).toEqual([['levels.0.condition.conditions.0', '#validation.alarmOfflineInComposite']]);
  });

  it('given composites nested four deep or with a single part, when parsed, then they are refused', () => {
    const leaf = { type: 'simple', expr: 'open' };
    const nest = (depth: number): unknown => (depth === 0 ? leaf : { type: 'composite', op: 'and', conditions: [nest(depth - 1), leaf] });
    expect(parse({ levels: [{ severity: 1, condition: nest(3) }] }).success).toBe(true);
    expect(issuesOf(parse({ levels: [{ severity: 1, condition: nest(4) }] }))).toEqual([['levels.0.condition.conditions.0.conditions.0.conditions.0', '#validation.alarmNesting']]);
    expect(parse({ levels: [{ severity: 1, condition: { type: 'composite', op: 'or', conditions: [leaf] } }] }).success).toBe(false);
  });

  it('given more than 32 conditions in a rule, when parsed, then it is refused (the evaluator state stays small)', () => {
    const wide = { type: 'composite', op: 'or', conditions: Array.from({ length: 8 }, () => ({ type: 'simple', expr: 'open' })) };
    const levels = [1, 2, 3, 4].map((severity) => ({ severity, condition: wide }));
    expect(issuesOf(parse({ levels }))).toEqual([['levels', '#validation.alarmTooManyConditions']]);
  });

  it('given a rate condition with no change or a malformed metric key, when parsed, then each is refused', () => {
    expect(issuesOf(parse({ levels: [{ severity: 1, condition: { type: 'rate', metric: 'pressure', windowMinutes: 5, change: 0 } }] })))
      .toEqual([['levels.0.condition.change', '#validation.alarmRateChange']]);
    expect(issuesOf(parse({ levels: [{ severity: 1, condition: { type: 'rate', metric: '1pressure', windowMinutes: 5, change: -0.1 } }] })))
      .toEqual([['levels.0.condition.metric', '#validation.metricKey']]);
  });

  it('given duration, repeat and offline limits, when out of range, then they are refused', () => {
    const one = (condition: unknown) => parse({ levels: [{ severity: 1, condition }] }).success;
    expect(one({ type: 'duration', expr: 'open', minutes: 0 })).toBe(false);
    expect(one({ type: 'duration', expr: 'open', minutes: 7 * 24 * 60 + 1 })).toBe(false);
    expect(one({ type: 'repeat', expr: 'open', count: 1.5, windowMinutes: 10 })).toBe(false);
    expect(one({ type: 'repeat', expr: 'open', count: 3, windowMinutes: 10 })).toBe(true);
    expect(one({ type: 'offline', hours: -1 })).toBe(false);
  });

  it('given a schedule, when its times or days are malformed, then each is refused at its path', () => {
    expect(parse({ schedule: { from: '22:00', to: '06:00' } }).success).toBe(true);
    expect(parse({ schedule: { days: [1, 2, 3, 4, 5], from: '08:00', to: '24:00' } }).success).toBe(true);
    expect(issuesOf(parse({ schedule: { from: '8:00', to: '25:00' } }))).toEqual([['schedule.from', '#validation.alarmTime'], ['schedule.to', '#validation.alarmTime']]);
    expect(issuesOf(parse({ schedule: { from: '24:00', to: '06:00' } }))).toEqual([['schedule.from', '#validation.alarmTime']]);
    expect(issuesOf(parse({ schedule: { from: '08:00', to: '08:00' } }))).toEqual([['schedule.to', '#validation.alarmScheduleEmpty']]);
    expect(issuesOf(parse({ schedule: { days: [1, 1], from: '08:00', to: '18:00' } }))).toEqual([['schedule.days.1', '#validation.duplicateKey']]);
    expect(parse({ schedule: { days: [0], from: '08:00', to: '18:00' } }).success).toBe(false);
    expect(parse({ schedule: { days: [8], from: '08:00', to: '18:00' } }).success).toBe(false);
  });

  it('given a scope, when its key does not fit its kind, then it is refused (type keys vs record codes)', () => {
    expect(parse({ scope: { kind: 'device', key: 'MH-0001' } }).success).toBe(true);
    expect(parse({ scope: { kind: 'facility', key: 'JG.320102.001' } }).success).toBe(true);
    expect(issuesOf(parse({ scope: { kind: 'deviceType', key: '1manhole' } }))).toEqual([['scope.key', '#validation.definitionKey']]);
    expect(issuesOf(parse({ scope: { kind: 'device', key: '-MH' } }))).toEqual([['scope.key', '#validation.code']]);
    expect(parse({ scope: { kind: 'district', key: 'x' } }).success).toBe(false);
  });

  it('given process variables, when a name is not an identifier, then it is refused', () => {
    const result = parse({ actions: { startProcess: { processKey: 'p', variables: { 'bad name': 'alarm.severity' } } } });
    expect(issuesOf(result)).toEqual([['actions.startProcess.variables.bad name', '#validation.variableName']]);
  });

  it('given notification channels, when nobody is named to notify, then they are refused rather than sending nothing', () => {
    expect(issuesOf(parse({ actions: { channels: ['inApp', 'sms'] } }))).toEqual([['actions.channels', '#validation.alarmChannelsWithoutRoles']]);
    expect(parse({ actions: { notifyRoles: ['drainageDuty'], channels: ['inApp', { id: 'sms', config: { template: 'SMS_1' } }] } }).success).toBe(true);
  });

  it('given minSeverity 2, when asked which alarms start the process, then levels 1 and 2 do, 3 and 4 do not; without it every level does', () => {
    const content = alarmRuleContentSchema.parse(manholeRule);
    expect(([1, 2, 3, 4] as const).map((s) => startsProcess(content, s))).toEqual([true, true, false, false]);
    const every = alarmRuleContentSchema.parse({ ...manholeRule, actions: { startProcess: { processKey: 'p' } } });
    expect(startsProcess(every, 4)).toBe(true);
    expect(startsProcess(alarmRuleContentSchema.parse({ ...manholeRule, actions: {} }), 1)).toBe(false);
  });

  it('given the severity labels, when listed, then 一级～四级 are 红/橙/黄/蓝 with 1 the most severe', () => {
    expect(([1, 2, 3, 4] as const).map((s) => [ALARM_SEVERITY_LABELS[s].colour, ALARM_SEVERITY_LABELS[s]['zh-CN']])).toEqual([
      ['red', '一级（红色）'], ['orange', '二级（橙色）'], ['yellow', '三级（黄色）'], ['blue', '四级（蓝色）'],
    ]);
  });

  it('given the validation keys the schema uses, when looked up, then each new one has zh-CN and English text', () => {
    const known = new Set(['duplicateKey', 'metricKey', 'definitionKey', 'code', 'variableName']);
    const used = ['alarmOfflineInComposite', 'alarmNesting', 'alarmTooManyConditions', 'alarmRateChange', 'alarmTime', 'alarmScheduleEmpty', 'alarmBundleJson', 'alarmBundleFormat', 'alarmBundleVersion'];
    for (const key of used) {
      expect(known.has(key)).toBe(false);
      const entry = ALARM_VALIDATION_MESSAGES[key as keyof typeof ALARM_VALIDATION_MESSAGES];
      expect(entry['zh-CN'].length > 0 && entry.en.length > 0, key).toBe(true);
    }
  });
});

describe('checking a rule\'s expressions', () => {
  it('given the manhole rule, when checked against the sensor\'s metrics, then there is nothing to report', () => {
    expect(problemsOf(manholeRule)).toEqual([]);
  });

  it('given a metric the device type does not send, when checked, then it is an error at its path with a suggestion and a position', () => {
    const [problem, ...rest] = checkAlarmRule(alarmRuleContentSchema.parse(withLevels({ type: 'simple', expr: 'open || tlit > 15' })), env);
    expect(rest).toEqual([]);
    expect(problem!.path).toBe('levels[0].condition.expr');
    expect(problem!.segments).toEqual(['levels', 0, 'condition', 'expr']);
    expect(problem!.diagnostic).toMatchObject({ code: 'unknownVariable', severity: 'error', start: 8, end: 12, line: 1, column: 9, params: { name: 'tlit', suggestion: 'tilt' } });
    expect(problem!.diagnostic.message).toBe('未知变量 “tlit”，是否想写 “tilt”？');
  });

  it('given the English locale, when checked, then messages are English', () => {
    const [problem] = checkAlarmRule(alarmRuleContentSchema.parse(withLevels({ type: 'simple', expr: 'depth > 2' })), env, { locale: 'en' });
    expect(problem!.diagnostic.message).toBe('Unknown variable "depth"');
  });

  it('given conditions inside a composite, when one is wrong, then the path names the part', () => {
    const content = withLevels({ type: 'composite', op: 'and', conditions: [{ type: 'simple', expr: 'open' }, { type: 'duration', expr: 'tilt +', minutes: 5 }] });
    expect(problemsOf(content)).toEqual([['levels[0].condition.conditions[1].expr', 'unexpectedEnd', 'error']]);
  });

  it('given a condition that is not boolean or compares a flag with a number, when checked, then each is an error', () => {
    expect(problemsOf(withLevels({ type: 'simple', expr: 'tilt + 1' }))).toEqual([['levels[0].condition.expr', 'conditionNotBoolean', 'error']]);
    expect(problemsOf(withLevels({ type: 'repeat', expr: 'open > 0', count: 3, windowMinutes: 10 }))).toEqual([['levels[0].condition.expr', 'operatorType', 'error']]);
  });

  it('given a comparison that can never hold, when checked, then it is reported as a warning only', () => {
    expect(problemsOf(withLevels({ type: 'simple', expr: 'open == "yes"' }))).toEqual([['levels[0].condition.expr', 'incompatibleEquality', 'warning']]);
  });

  it('given a rate on a metric the type does not send, when checked, then it is an unknown variable at the metric field', () => {
    const [problem] = checkAlarmRule(alarmRuleContentSchema.parse(withLevels({ type: 'rate', metric: 'tilts', windowMinutes: 5, change: 10 })), env);
    expect([problem!.path, problem!.diagnostic.code, problem!.diagnostic.params]).toEqual(['levels[0].condition.metric', 'unknownVariable', { name: 'tilts', suggestion: 'tilt' }]);
    expect(problemsOf(withLevels({ type: 'rate', metric: 'tilt', windowMinutes: 5, change: 10 }))).toEqual([]);
  });

  it('given typed attributes and thresholds, when checked, then declared ones type-check and undeclared ones are errors', () => {
    expect(problemsOf(withLevels({ type: 'simple', expr: 'tilt > (threshold.tiltMax ?? 15) && attributes.depth > 2 && attributes.material == "铸铁"' }))).toEqual([]);
    expect(problemsOf(withLevels({ type: 'simple', expr: 'tilt > threshold.tiltMin' }))).toEqual([['levels[0].condition.expr', 'unknownField', 'error']]);
    expect(problemsOf(withLevels({ type: 'simple', expr: 'attributes.depth == "deep"' }))).toEqual([['levels[0].condition.expr', 'incompatibleEquality', 'warning']]);
  });

  it('given no declared attributes or thresholds, when checked, then both are open records', () => {
    const open = createAlarmEnvironment({ metrics: manholeSensor.metrics });
    expect(checkAlarmRule(alarmRuleContentSchema.parse(withLevels({ type: 'simple', expr: 'tilt > threshold.anything && attributes.whatever != null' })), open)).toEqual([]);
  });

  it('given the clear expression, when it names an unknown metric, then it is reported at clear.expr', () => {
    expect(problemsOf({ ...manholeRule, clear: { expr: 'tilt < 10 && !opened', afterMinutes: 10 } })).toEqual([['clear.expr', 'unknownVariable', 'error']]);
  });

  it('given process variables, when they read `alarm`, then its fields check; a condition cannot read `alarm`', () => {
    const actions = { startProcess: { processKey: 'p', variables: { title: '"井盖报警 " + alarm.deviceCode', at: 'alarm.raisedAt + 2h', bad: 'alarm.sevrity' } } };
    expect(problemsOf({ ...manholeRule, actions })).toEqual([['actions.startProcess.variables.bad', 'unknownField', 'error']]);
    expect(problemsOf(withLevels({ type: 'simple', expr: 'alarm.severity > 1' }))).toEqual([['levels[0].condition.expr', 'unknownVariable', 'error']]);
  });

  it('given two device types at one facility that disagree on a flag, when the environment is built, then that metric is untyped', () => {
    const mixed = createAlarmEnvironment({ metrics: [{ key: 'open', flag: true }, { key: 'open' }] });
    expect(mixed.condition.variables.get('open')).toEqual({ kind: 'any' });
    expect(mixed.metrics.get('open')).toEqual({ flag: true });
  });

  it('given segments, when formatted, then they read like code', () => {
    expect(formatPath(['levels', 0, 'condition', 'conditions', 1, 'expr'])).toBe('levels[0].condition.conditions[1].expr');
    expect(formatPath([])).toBe('');
  });
});

describe('export and import bundle', () => {
  const gasRule = { scope: { kind: 'deviceType', key: 'gasLeakDetector' }, levels: [{ severity: 1, condition: { type: 'simple', expr: 'lel >= 25' } }] };

  it('given rules, when exported and parsed back, then the bundle is versioned, sorted by key and equal to the input', () => {
    const json = exportAlarmRules([{ key: 'manhole', name: '井盖', content: manholeRule }, { key: 'gas', name: '燃气', content: gasRule }], { exportedAt: new Date('2026-03-02T02:00:00Z') });
    const parsed = parseAlarmRuleBundle(json);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.bundle.format).toBe('tongguan.alarmRules');
    expect(parsed.bundle.version).toBe(1);
    expect(parsed.bundle.exportedAt).toBe('2026-03-02T02:00:00.000Z');
    expect(parsed.bundle.rules.map((r) => r.key)).toEqual(['gas', 'manhole']);
    expect(parsed.bundle.rules[1]!.content).toEqual(alarmRuleContentSchema.parse(manholeRule));
  });

  it('given the same rules in another order, when exported twice, then the texts are equal', () => {
    const a = exportAlarmRules([{ key: 'b', name: 'B', content: gasRule }, { key: 'a', name: 'A', content: gasRule }]);
    const b = exportAlarmRules([{ key: 'a', name: 'A', content: gasRule }, { key: 'b', name: 'B', content: gasRule }]);
    expect(a).toBe(b);
  });

  it('given an invalid rule, when exported, then it throws instead of writing a bundle that cannot be imported', () => {
    expect(() => exportAlarmRules([{ key: 'x', name: 'X', content: { ...gasRule, levels: [] } }])).toThrow();
  });

  it('given text that is not JSON, when parsed, then the one problem says so', () => {
    expect(parseAlarmRuleBundle('{"format": ')).toMatchObject({ ok: false, problems: [{ path: '', message: '#validation.alarmBundleJson' }] });
  });

  it('given another file format or a newer version, when parsed, then that is the one problem', () => {
    expect(parseAlarmRuleBundle({ format: 'tongguan.forms', version: 1, rules: [] })).toMatchObject({ ok: false, problems: [{ path: 'format', message: '#validation.alarmBundleFormat' }] });
    expect(parseAlarmRuleBundle('[1, 2]')).toMatchObject({ ok: false, problems: [{ path: 'format', message: '#validation.alarmBundleFormat' }] });
    expect(parseAlarmRuleBundle({ format: 'tongguan.alarmRules', version: 2, rules: 'whatever' })).toMatchObject({ ok: false, problems: [{ path: 'version', message: '#validation.alarmBundleVersion' }] });
  });

  it('given a bundle with a bad rule and a repeated key, when parsed, then each problem is named with its path and the zod issues are kept', () => {
    const bundle = {
      format: 'tongguan.alarmRules', version: 1,
      rules: [
        { key: 'gas', name: '燃气', content: { ...gasRule, levels: [{ severity: 7, condition: { type: 'simple', expr: 'lel >= 25' } }] } },
        { key: 'gas', name: '燃气 2', content: gasRule },
      ],
    };
    const parsed = parseAlarmRuleBundle(JSON.stringify(bundle));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.path)).toEqual(['rules[0].content.levels[0].severity']);
    expect(parsed.issues).toHaveLength(1);
    const duplicate = parseAlarmRuleBundle({ ...bundle, rules: [bundle.rules[1], bundle.rules[1]] });
    expect(duplicate).toMatchObject({ ok: false, problems: [{ path: 'rules[1].key', message: '#validation.duplicateKey' }] });
  });
});

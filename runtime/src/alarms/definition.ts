/**
 * Alarm rules (definition kind `alarmRule`): when telemetry of a device, of every device of a
 * device type, or of a facility raises an alarm (000 §4.2.4 监测报警/预警报警; 004 §4.1.3.1 窨井盖
 * 丢失、开启、移位 → 自动报警), how severe it is, when it clears, when the rule is on duty, and what
 * follows (notify, remind, start a process).
 *
 * Severities are the four warning levels 一级～四级 = 红/橙/黄/蓝; 1 (red) is the most severe.
 * Levels are tried most severe first. Conditions:
 * - `simple {expr}` — a boolean expression over the reading (metric keys, `attributes`, `threshold`);
 * - `duration {expr, minutes}` — true continuously for that long (持续);
 * - `repeat {expr, count, windowMinutes}` — true in at least `count` readings within the window;
 * - `rate {metric, windowMinutes, change}` — the metric moved by at least `change` within the
 *   window, signed: `change < 0` is a drop from the window's highest value (a pipe burst's
 *   pressure drop), `change > 0` a rise from its lowest. A plain field, not an expression, so the
 *   evaluator keeps only the samples that can still be the extreme;
 * - `offline {hours}` — no data for that long (the standard's online criterion is 72 h, 000 table
 *   5.2.4); at facility scope: no device of the facility sent data;
 * - `composite {op, conditions}` — `and`/`or` (Kleene: an unknown part leaves the whole unknown
 *   unless another part decides it). `offline` is refused inside a composite: it is a fact about
 *   the absence of readings and can never hold together with a condition read from a reading.
 *
 * Expressions are in the one expression language and are checked by `checkAlarmRule` against a
 * closed environment built from the device type's metrics (`createAlarmEnvironment`): a metric the
 * type does not send is an unknown variable. Messages starting with `#` are keys of the
 * platform's validation catalog; the keys this module adds are in `ALARM_VALIDATION_MESSAGES`.
 */
import { z } from 'zod';
import type { AttributeSpec, MetricSpec } from '../devices/definition.ts';
import { checkExpression } from '../expr/check-expression.ts';
import { createEnvironment, type Environment } from '../expr/environment.ts';
import type { FunctionRegistry } from '../expr/functions/registry.ts';
import { diagnostic, localize, type LocalizedDiagnostic } from '../expr/errors.ts';
import type { Locale } from '../expr/messages.ts';
import { suggest } from '../expr/suggest.ts';
import { t, type ExprType } from '../expr/types.ts';
import { notifyChannelsSchema } from '../notify/channels.ts';

export const ALARM_SEVERITIES = [1, 2, 3, 4] as const;
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

/** 一级～四级 warning levels and their colours; 1 is the most severe. */
export const ALARM_SEVERITY_LABELS: Readonly<Record<AlarmSeverity, { readonly colour: 'red' | 'orange' | 'yellow' | 'blue'; readonly 'zh-CN': string; readonly en: string }>> = {
  1: { colour: 'red', 'zh-CN': '一级（红色）', en: 'Level 1 (red)' },
  2: { colour: 'orange', 'zh-CN': '二级（橙色）', en: 'Level 2 (orange)' },
  3: { colour: 'yellow', 'zh-CN': '三级（黄色）', en: 'Level 3 (yellow)' },
  4: { colour: 'blue', 'zh-CN': '四级（蓝色）', en: 'Level 4 (blue)' },
};

export const ALARM_SCOPE_KINDS = ['deviceType', 'device', 'facilityType', 'facility'] as const;
export type AlarmScopeKind = (typeof ALARM_SCOPE_KINDS)[number];

/** Catalog entries for the validation keys this module introduces (the platform merges them into its catalog). */
export const ALARM_VALIDATION_MESSAGES = {
  alarmOfflineInComposite: { 'zh-CN': '离线条件不能放在组合条件中，请作为单独的报警级别', en: 'an offline condition cannot be part of a composite; give it a level of its own' },
  alarmNesting: { 'zh-CN': '组合条件最多嵌套 3 层', en: 'composite conditions nest at most 3 deep' },
  alarmTooManyConditions: { 'zh-CN': '一条报警规则最多 32 个条件', en: 'an alarm rule has at most 32 conditions' },
  alarmRateChange: { 'zh-CN': '变化量不能为 0：负数表示下降，正数表示上升', en: 'the change cannot be 0: negative means a drop, positive a rise' },
  alarmTime: { 'zh-CN': '时间格式为 HH:mm（00:00～24:00）', en: 'a time is HH:mm (00:00 to 24:00)' },
  alarmScheduleEmpty: { 'zh-CN': '开始时间与结束时间不能相同', en: 'the start and end times cannot be the same' },
  alarmBundleJson: { 'zh-CN': '文件不是有效的 JSON', en: 'the file is not valid JSON' },
  alarmBundleFormat: { 'zh-CN': '不是报警规则导出文件（format 应为 tongguan.alarmRules）', en: 'not an alarm rule export (format must be tongguan.alarmRules)' },
  alarmBundleVersion: { 'zh-CN': '导出文件版本不受支持（应为 1）', en: 'unsupported export version (must be 1)' },
  alarmChannelsWithoutRoles: { 'zh-CN': '通知渠道须与通知角色（notifyRoles）一起设置：没有通知对象就不会发送', en: 'channels need notifyRoles: without people to notify nothing is sent' },
} as const satisfies Record<string, Record<Locale, string>>;

const MAX_CONDITIONS = 32;
const MAX_NESTING = 3;
const WEEK_MINUTES = 7 * 24 * 60;

const expr = z.string().trim().min(1).max(2000);
const minutes = z.number().positive().max(WEEK_MINUTES);
const metricKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, '#validation.metricKey');
const definitionKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,79}$/, '#validation.definitionKey');
const recordCode = z.string().max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, '#validation.code');
/** As process variables are named (zod reports a bad record key only as "Invalid key", so it is checked in the refinement). */
const VARIABLE_NAME = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;
const severity = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
const time = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, '#validation.alarmTime');

export type AlarmCondition =
  | { type: 'simple'; expr: string }
  | { type: 'duration'; expr: string; minutes: number }
  | { type: 'repeat'; expr: string; count: number; windowMinutes: number }
  | { type: 'rate'; metric: string; windowMinutes: number; change: number }
  | { type: 'offline'; hours: number }
  | { type: 'composite'; op: 'and' | 'or'; conditions: AlarmCondition[] };

export const alarmConditionSchema: z.ZodType<AlarmCondition> = z.lazy(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('simple'), expr }),
  z.object({ type: z.literal('duration'), expr, minutes }),
  z.object({ type: z.literal('repeat'), expr, count: z.int().min(1).max(100), windowMinutes: minutes }),
  z.object({
    type: z.literal('rate'), metric: metricKey, windowMinutes: minutes,
    change: z.number().refine((n) => n !== 0, '#validation.alarmRateChange'),
  }),
  z.object({ type: z.literal('offline'), hours: z.number().positive().max(24 * 365) }),
  z.object({ type: z.literal('composite'), op: z.enum(['and', 'or']), conditions: z.array(alarmConditionSchema).min(2).max(8) }),
]));

const scope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deviceType'), key: definitionKey }),
  z.object({ kind: z.literal('facilityType'), key: definitionKey }),
  z.object({ kind: z.literal('device'), key: recordCode }),
  z.object({ kind: z.literal('facility'), key: recordCode }),
]);

export const alarmRuleContentSchema = z.object({
  description: z.string().max(2000).optional(),
  scope,
  /** Tried most severe first; severities are unique. */
  levels: z.array(z.object({ severity, condition: alarmConditionSchema })).min(1).max(4),
  /**
   * Default: the alarm clears when no level holds. `expr` adds an explicit clear condition
   * (hysteresis, e.g. raise at ≥ 25 %LEL, clear below 20); `afterMinutes` asks the clear
   * criterion to hold that long.
   */
  clear: z.object({ expr: expr.optional(), afterMinutes: minutes.optional() }).optional(),
  /** On duty (new alarms raised) only then, Asia/Shanghai wall time; `from > to` wraps midnight and `days` name the day a window starts. */
  schedule: z.object({
    days: z.array(z.int().min(1).max(7)).min(1).max(7).optional(),
    from: time.refine((s) => s !== '24:00', '#validation.alarmTime'),
    to: time,
  }).optional(),
  actions: z.object({
    notifyRoles: z.array(z.string().min(1).max(100)).max(20).optional(),
    /** Where the notices to notifyRoles go besides 站内消息 (always sent): transports plugins register, e.g. `["inApp", "sms"]`. */
    channels: notifyChannelsSchema.optional(),
    remindEveryMinutes: z.int().min(1).max(WEEK_MINUTES).optional(),
    startProcess: z.object({
      processKey: definitionKey,
      /** Start only for alarms at least this severe (severity number ≤ minSeverity); absent: every alarm. */
      minSeverity: severity.optional(),
      /** Process variable name → expression over the reading and `alarm`. */
      variables: z.record(z.string().max(100), expr).default({}),
    }).optional(),
  }).default({}),
}).superRefine((content, ctx) => {
  const seen = new Set<number>();
  let count = 0;
  const walk = (condition: AlarmCondition, path: (string | number)[], depth: number) => {
    count++;
    if (condition.type !== 'composite') return;
    if (depth > MAX_NESTING) ctx.addIssue({ code: 'custom', message: '#validation.alarmNesting', path });
    condition.conditions.forEach((child, i) => {
      if (child.type === 'offline') ctx.addIssue({ code: 'custom', message: '#validation.alarmOfflineInComposite', path: [...path, 'conditions', i] });
      walk(child, [...path, 'conditions', i], depth + 1);
    });
  };
  content.levels.forEach((level, i) => {
    if (seen.has(level.severity)) ctx.addIssue({ code: 'custom', message: '#validation.duplicateKey', path: ['levels', i, 'severity'] });
    seen.add(level.severity);
    walk(level.condition, ['levels', i, 'condition'], 1);
  });
  if (count > MAX_CONDITIONS) ctx.addIssue({ code: 'custom', message: '#validation.alarmTooManyConditions', path: ['levels'] });
  if (content.actions.channels?.length && !content.actions.notifyRoles?.length) ctx.addIssue({ code: 'custom', message: '#validation.alarmChannelsWithoutRoles', path: ['actions', 'channels'] });
  for (const name of Object.keys(content.actions.startProcess?.variables ?? {})) {
    if (!VARIABLE_NAME.test(name)) ctx.addIssue({ code: 'custom', message: '#validation.variableName', path: ['actions', 'startProcess', 'variables', name] });
  }
  const schedule = content.schedule;
  if (schedule && schedule.from === schedule.to) ctx.addIssue({ code: 'custom', message: '#validation.alarmScheduleEmpty', path: ['schedule', 'to'] });
  schedule?.days?.forEach((day, i) => {
    if (schedule.days!.indexOf(day) !== i) ctx.addIssue({ code: 'custom', message: '#validation.duplicateKey', path: ['schedule', 'days', i] });
  });
});

export type AlarmRuleContent = z.output<typeof alarmRuleContentSchema>;
export type AlarmLevel = AlarmRuleContent['levels'][number];
export type AlarmSchedule = NonNullable<AlarmRuleContent['schedule']>;

/** Whether an alarm of this severity starts the rule's process. */
export function startsProcess(content: AlarmRuleContent, alarmSeverity: AlarmSeverity): boolean {
  const start = content.actions.startProcess;
  return start !== undefined && alarmSeverity <= (start.minSeverity ?? 4);
}

// ---------------------------------------------------------------------------------------------
// Environments and static checking

/** What `alarm` is in startProcess variable expressions. */
export const ALARM_FACTS_TYPE: ExprType = t.record({
  severity: t.number, ruleKey: t.string, ruleName: t.string, scopeKind: t.string, sourceCode: t.string,
  deviceCode: t.string, facilityCode: t.string, value: t.number, raisedAt: t.datetime,
});

export interface AlarmEnvironmentInput {
  /** The device type's metrics; at facility scope those of every device type its facilities may carry. */
  readonly metrics: readonly Pick<MetricSpec, 'key' | 'flag'>[];
  /** The facility type's attributes (typed `attributes`); absent: `attributes` is an open record. */
  readonly attributes?: readonly Pick<AttributeSpec, 'key' | 'type'>[];
  /** Known per-device threshold keys (numbers in `threshold`); absent: `threshold` is an open record. */
  readonly thresholds?: readonly string[];
  /** The functions conditions may call (the platform's, with the plugins'); default the built-ins. */
  readonly functions?: FunctionRegistry;
}

/** Built once per rule version and device type (compile caches key on its identity). */
export interface AlarmEnvironment {
  /** Conditions and the clear expression: metrics, `attributes`, `threshold`. */
  readonly condition: Environment;
  /** startProcess variables: the same plus `alarm`. */
  readonly action: Environment;
  /** Metric key → whether it is a flag (boolean in expressions). */
  readonly metrics: ReadonlyMap<string, { readonly flag: boolean }>;
}

const ATTRIBUTE_EXPR_TYPES: Readonly<Record<AttributeSpec['type'], ExprType>> = { string: t.string, number: t.number, boolean: t.boolean, date: t.date };

/**
 * @example
 * const env = createAlarmEnvironment({ metrics: manholeType.metrics, thresholds: ['tiltMax'] });
 * checkAlarmRule(content, env); // [] when every expression checks
 */
export function createAlarmEnvironment(input: AlarmEnvironmentInput): AlarmEnvironment {
  const metrics = new Map<string, { flag: boolean }>();
  const variables: Record<string, ExprType> = {};
  for (const metric of input.metrics) {
    const flag = metric.flag === true;
    const known = metrics.get(metric.key);
    // Two device types at one facility may disagree on whether a key is a flag: then it is untyped.
    variables[metric.key] = known !== undefined && known.flag !== flag ? t.any : flag ? t.boolean : t.number;
    metrics.set(metric.key, { flag: known?.flag ?? flag });
  }
  // The reserved names win over metrics of the same key.
  variables.attributes = input.attributes
    ? t.record(Object.fromEntries(input.attributes.map((a) => [a.key, ATTRIBUTE_EXPR_TYPES[a.type]])))
    : t.record({}, { open: true });
  variables.threshold = input.thresholds
    ? t.record(Object.fromEntries(input.thresholds.map((key) => [key, t.number])))
    : t.record({}, { open: true });
  const functions = input.functions ? { functions: input.functions } : {};
  const condition = createEnvironment({ variables, ...functions });
  const action = createEnvironment({ variables: { ...variables, alarm: ALARM_FACTS_TYPE }, ...functions });
  return { condition, action, metrics };
}

export interface AlarmRuleProblem {
  /** Where in the content, as people read it: `levels[0].condition.expr`. */
  readonly path: string;
  /** The same as segments, for zod issues: `['levels', 0, 'condition', 'expr']`. */
  readonly segments: readonly (string | number)[];
  readonly diagnostic: LocalizedDiagnostic;
}

export const formatPath = (segments: readonly (string | number)[]): string =>
  segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

/**
 * Checks every expression of a well-formed rule against the environment: conditions and the
 * clear expression must be boolean over the metrics, `attributes` and `threshold`; a rate's
 * metric must be one the type sends; process variables may also read `alarm`. Warnings (e.g.
 * comparisons that never hold) are included; refuse the rule only for `severity === 'error'`.
 */
export function checkAlarmRule(content: AlarmRuleContent, environment: AlarmEnvironment, options: { readonly locale?: Locale } = {}): AlarmRuleProblem[] {
  const locale = options.locale ?? 'zh-CN';
  const problems: AlarmRuleProblem[] = [];
  const checkText = (source: string, segments: (string | number)[], env: Environment, expectBoolean: boolean) => {
    const result = checkExpression(source, { environment: env, locale, ...(expectBoolean ? { expectedType: t.boolean } : {}) });
    for (const item of result.diagnostics) problems.push({ path: formatPath(segments), segments, diagnostic: item });
  };
  const walk = (condition: AlarmCondition, segments: (string | number)[]) => {
    switch (condition.type) {
      case 'simple':
      case 'duration':
      case 'repeat':
        checkText(condition.expr, [...segments, 'expr'], environment.condition, true);
        return;
      case 'rate': {
        if (environment.metrics.has(condition.metric)) return;
        const suggestion = suggest(condition.metric, [...environment.metrics.keys()]);
        const span = { start: 0, end: condition.metric.length, line: 1, column: 1 };
        const item = diagnostic('unknownVariable', span, { name: condition.metric, ...(suggestion === undefined ? {} : { suggestion }) });
        problems.push({ path: formatPath([...segments, 'metric']), segments: [...segments, 'metric'], diagnostic: localize(item, locale) });
        return;
      }
      case 'offline':
        return;
      case 'composite':
        condition.conditions.forEach((child, i) => walk(child, [...segments, 'conditions', i]));
    }
  };
  content.levels.forEach((level, i) => walk(level.condition, ['levels', i, 'condition']));
  if (content.clear?.expr !== undefined) checkText(content.clear.expr, ['clear', 'expr'], environment.condition, true);
  for (const [name, source] of Object.entries(content.actions.startProcess?.variables ?? {})) {
    checkText(source, ['actions', 'startProcess', 'variables', name], environment.action, false);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Export / import bundle

export const ALARM_RULE_BUNDLE_FORMAT = 'tongguan.alarmRules';
export const ALARM_RULE_BUNDLE_VERSION = 1;

const bundledRule = z.object({ key: definitionKey, name: z.string().trim().min(1).max(200), content: alarmRuleContentSchema });

export const alarmRuleBundleSchema = z.object({
  format: z.literal(ALARM_RULE_BUNDLE_FORMAT, '#validation.alarmBundleFormat'),
  version: z.literal(ALARM_RULE_BUNDLE_VERSION, '#validation.alarmBundleVersion'),
  exportedAt: z.iso.datetime({ offset: true }).optional(),
  rules: z.array(bundledRule).max(1000),
}).superRefine((bundle, ctx) => {
  const keys = new Set<string>();
  bundle.rules.forEach((rule, i) => {
    if (keys.has(rule.key)) ctx.addIssue({ code: 'custom', message: '#validation.duplicateKey', path: ['rules', i, 'key'] });
    keys.add(rule.key);
  });
});

export type AlarmRuleBundle = z.output<typeof alarmRuleBundleSchema>;
export type BundledAlarmRule = AlarmRuleBundle['rules'][number];

/** The rules as a versioned JSON bundle (sorted by key, so two exports of the same rules are equal). Throws a ZodError for an invalid rule. */
export function exportAlarmRules(rules: readonly { key: string; name: string; content: unknown }[], options: { readonly exportedAt?: Date } = {}): string {
  const bundle = alarmRuleBundleSchema.parse({
    format: ALARM_RULE_BUNDLE_FORMAT,
    version: ALARM_RULE_BUNDLE_VERSION,
    ...(options.exportedAt ? { exportedAt: options.exportedAt.toISOString() } : {}),
    rules: [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  });
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

export interface BundleProblem {
  readonly path: string;
  readonly segments: readonly (string | number)[];
  /** A `#validation.…` catalog key or zod's own message. */
  readonly message: string;
}

export type BundleParseResult =
  | { readonly ok: true; readonly bundle: AlarmRuleBundle }
  | { readonly ok: false; readonly problems: readonly BundleProblem[]; readonly issues: readonly z.core.$ZodIssue[] };

/**
 * Reads a bundle (JSON text or parsed JSON). A wrong format or version is the one problem
 * reported (the rest would be noise: a newer version may well be valid in its own terms); otherwise every problem is named with its path, e.g.
 * `rules[2].content.levels[0].severity`. Expressions are checked separately (`checkAlarmRule`),
 * once the target city's device types are known.
 */
export function parseAlarmRuleBundle(json: unknown): BundleParseResult {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch {
      return { ok: false, problems: [{ path: '', segments: [], message: '#validation.alarmBundleJson' }], issues: [] };
    }
  }
  const fail = (field: string, message: string): BundleParseResult => ({ ok: false, problems: [{ path: field, segments: [field], message }], issues: [] });
  const head = value as { format?: unknown; version?: unknown } | null;
  if (typeof head !== 'object' || head === null || Array.isArray(head) || head.format !== ALARM_RULE_BUNDLE_FORMAT) return fail('format', '#validation.alarmBundleFormat');
  if (head.version !== ALARM_RULE_BUNDLE_VERSION) return fail('version', '#validation.alarmBundleVersion');
  const result = alarmRuleBundleSchema.safeParse(value);
  if (result.success) return { ok: true, bundle: result.data };
  const issues = result.error.issues;
  const problems = issues.map((issue) => {
    const segments = issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s));
    return { path: formatPath(segments), segments, message: issue.message };
  });
  return { ok: false, problems, issues };
}

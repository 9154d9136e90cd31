/**
 * Alarm rules as the platform runs them: the published `alarmRule` definitions of a city indexed
 * by what they watch — device type, device code, facility type, facility code — so a reading
 * meets only the rules that apply to its device (a city with 1,000 rules of which 100 apply to a
 * device type evaluates those 100, never a scan of all), and the static check of a rule against
 * the metrics of the device types its scope resolves to (run when a draft is saved, published or
 * imported).
 *
 * Scope → metrics: `deviceType` the type's; `device` its type's; `facilityType` and `facility`
 * the union of the metrics of every device type whose `facilityTypes` include the facility type
 * (what the facility's devices together may send), with the facility type's typed attributes.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import {
  alarmRuleContentSchema, checkAlarmRule, createAlarmEnvironment,
  type AlarmEnvironment, type AlarmEnvironmentInput, type AlarmRuleContent,
} from '@tongguan/runtime/alarms/definition';
import type { DeviceTypeContent, EntityTypeContent } from '@tongguan/runtime/devices/definition';
import { compileAlarmRule, type CompiledAlarmRule } from '@tongguan/runtime/alarms/evaluator';
import type { FunctionRegistry } from '@tongguan/runtime/expr/index';
import type { Locale } from '../../shared/i18n/index.ts';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import type { AlarmSourceKind } from '../db/schema-alarms.server.ts';
import { monitoringTypes } from '../devices/devices.server.ts';
import { EXPR_ISSUE_PREFIX } from '../errors.server.ts';
import { CASE_PROCESS_KEY } from '../services/cases.server.ts';
import { channelIssues } from '../notify/channels.server.ts';

type DeviceTypes = ReadonlyMap<string, DeviceTypeContent & { version: number }>;
type EntityTypes = ReadonlyMap<string, EntityTypeContent & { version: number }>;

/** A facility as alarm evaluation needs it. */
export interface AlarmFacility {
  readonly id: string;
  readonly code: string;
  readonly typeKey: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly orgId: string | null;
  readonly gridId: string | null;
  readonly districtOrgId: string | null;
  readonly lng: number;
  readonly lat: number;
}

export interface IndexedRule {
  readonly definitionId: string;
  readonly key: string;
  readonly version: number;
  readonly name: string;
  readonly content: AlarmRuleContent;
  /** Device scopes are evaluated per device, facility scopes per facility. */
  readonly sourceKind: AlarmSourceKind;
  /** The shortest offline level in hours (the tick looks for silent sources), null without one. */
  readonly offlineHours: number | null;
}

/** What a scope's expressions are checked and evaluated against. */
function environmentInput(devices: DeviceTypes, entities: EntityTypes, scope: { kind: 'deviceType' | 'facilityType'; key: string }): AlarmEnvironmentInput | null {
  if (scope.kind === 'deviceType') {
    const type = devices.get(scope.key);
    if (!type) return null;
    // A type that stands on one kind of facility reads that facility type's typed attributes.
    const only = type.facilityTypes.length === 1 ? entities.get(type.facilityTypes[0]!) : undefined;
    return { metrics: type.metrics, ...(only ? { attributes: only.attributes } : {}) };
  }
  const metrics = [...devices.values()].filter((type) => type.facilityTypes.includes(scope.key)).flatMap((type) => type.metrics);
  if (metrics.length === 0) return null;
  const facilityType = entities.get(scope.key);
  return { metrics, ...(facilityType ? { attributes: facilityType.attributes } : {}) };
}

function offlineHoursOf(content: AlarmRuleContent): number | null {
  const hours = content.levels.flatMap((level) => (level.condition.type === 'offline' ? [level.condition.hours] : []));
  return hours.length ? Math.min(...hours) : null;
}

/** A city's published alarm rules, indexed, with the facilities and types they need (held by the AlarmEngine). */
export class TenantAlarmRules {
  readonly byDeviceType = new Map<string, IndexedRule[]>();
  readonly byDevice = new Map<string, IndexedRule[]>();
  readonly byFacilityType = new Map<string, IndexedRule[]>();
  readonly byFacility = new Map<string, IndexedRule[]>();
  readonly byKey = new Map<string, IndexedRule>();
  private readonly environments = new Map<string, AlarmEnvironment | null>();
  private readonly compiledRules = new WeakMap<IndexedRule, Map<string, CompiledAlarmRule | null>>();
  private readonly byDeviceTypeCompiled = new Map<string, readonly { readonly rule: IndexedRule; readonly compiled: CompiledAlarmRule }[]>();

  constructor(
    readonly loadedAt: number,
    readonly rules: readonly IndexedRule[],
    readonly deviceTypes: DeviceTypes,
    readonly entityTypes: EntityTypes,
    readonly facilities: ReadonlyMap<string, AlarmFacility>,
    readonly facilitiesByCode: ReadonlyMap<string, AlarmFacility>,
    /** The functions conditions may call (the app's, with the plugins'); default the built-ins. */
    readonly functions?: FunctionRegistry,
  ) {
    for (const rule of rules) {
      const index = { deviceType: this.byDeviceType, device: this.byDevice, facilityType: this.byFacilityType, facility: this.byFacility }[rule.content.scope.kind];
      const list = index.get(rule.content.scope.key) ?? [];
      list.push(rule);
      index.set(rule.content.scope.key, list);
      this.byKey.set(rule.key, rule);
    }
  }

  /**
   * The environment of a rule for a device type (device scopes) or a facility type (facility
   * scopes): the type's metrics and attributes, so one per type of this load of the city's rules,
   * shared by its rules (the compile cache and compiled rules key on it).
   */
  environment(rule: Pick<IndexedRule, 'sourceKind'>, typeKey: string): AlarmEnvironment | null {
    const id = `${rule.sourceKind}\u0000${typeKey}`;
    let environment = this.environments.get(id);
    if (environment === undefined) {
      const input = environmentInput(this.deviceTypes, this.entityTypes, { kind: rule.sourceKind === 'device' ? 'deviceType' : 'facilityType', key: typeKey });
      environment = input ? createAlarmEnvironment({ ...input, ...(this.functions ? { functions: this.functions } : {}) }) : null;
      this.environments.set(id, environment);
    }
    return environment;
  }

  /** The device-type rules of a type, each compiled for it: what every reading of such a device meets. */
  compiledForDeviceType(typeKey: string): readonly { readonly rule: IndexedRule; readonly compiled: CompiledAlarmRule }[] {
    let list = this.byDeviceTypeCompiled.get(typeKey);
    if (list === undefined) {
      list = (this.byDeviceType.get(typeKey) ?? []).flatMap((rule) => {
        const compiled = this.compiled(rule, typeKey);
        return compiled ? [{ rule, compiled }] : [];
      });
      this.byDeviceTypeCompiled.set(typeKey, list);
    }
    return list;
  }

  /** The rule compiled for a device or facility type (null when the type is unknown): what `foldReading` runs. */
  compiled(rule: IndexedRule, typeKey: string): CompiledAlarmRule | null {
    let byType = this.compiledRules.get(rule);
    if (byType === undefined) this.compiledRules.set(rule, (byType = new Map()));
    let compiled = byType.get(typeKey);
    if (compiled === undefined) {
      const environment = this.environment(rule, typeKey);
      compiled = environment ? compileAlarmRule(rule.content, environment) : null;
      byType.set(typeKey, compiled);
    }
    return compiled;
  }
}

/** Loads a city's published alarm rules (latest published version of each key) and what they need. */
export async function loadTenantAlarmRules(app: App, tenantId: string, now: number): Promise<TenantAlarmRules> {
  const { definitions: def, entities: e } = app.db.t;
  const [ruleRows, types, facilityRows] = await Promise.all([
    app.db.read.select({ id: def.id, key: def.key, version: def.version, name: def.name, content: def.content }).from(def)
      .where(and(eq(def.tenantId, tenantId), eq(def.kind, 'alarmRule'), eq(def.status, 'published'))).orderBy(desc(def.version)),
    monitoringTypes(app, tenantId),
    app.db.read.select({
      id: e.id, code: e.code, typeKey: e.typeKey, attributes: e.attributes, orgId: e.orgId, gridId: e.gridId, districtOrgId: e.districtOrgId, lng: e.lng, lat: e.lat,
    }).from(e).where(eq(e.tenantId, tenantId)),
  ]);
  const rules: IndexedRule[] = [];
  const seen = new Set<string>();
  for (const row of ruleRows) {
    if (seen.has(row.key)) continue;
    seen.add(row.key);
    const parsed = alarmRuleContentSchema.safeParse(row.content);
    if (!parsed.success) {
      console.warn(`Alarm rule ${row.key} v${row.version} (tenant ${tenantId}) does not parse and is not evaluated: ${parsed.error.issues[0]?.message ?? ''}`);
      continue;
    }
    const kind = parsed.data.scope.kind;
    rules.push({
      definitionId: row.id, key: row.key, version: row.version, name: row.name, content: parsed.data,
      sourceKind: kind === 'deviceType' || kind === 'device' ? 'device' : 'facility', offlineHours: offlineHoursOf(parsed.data),
    });
  }
  const facilities = new Map(facilityRows.map((f) => [f.id, f]));
  return new TenantAlarmRules(now, rules, types.devices, types.facilities, facilities, new Map(facilityRows.map((f) => [f.code, f])), app.functions);
}

/**
 * The static check of an alarm rule in a city (as zod issues under `path`, relative to the content by default): its scope resolves
 * to published types and existing records, every expression checks against the scope's metrics
 * (`EXPR_ISSUE_PREFIX` diagnostics, rendered with their position), roles to notify exist, the
 * notification channels are registered, the process to start is published, and a rule that opens
 * a 案件 names its category.
 */
export async function alarmRuleIssues(
  app: App, db: Db, tenantId: string, content: AlarmRuleContent, locale: Locale, path: (string | number)[] = [],
): Promise<z.core.$ZodIssue[]> {
  const issues: z.core.$ZodIssue[] = [];
  const issue = (segments: readonly (string | number)[], message: string) => issues.push({ code: 'custom', path: [...path, ...segments], message, input: undefined } as z.core.$ZodIssue);
  const types = await monitoringTypes(app, tenantId, db);
  const { scope } = content;
  let typeScope: { kind: 'deviceType' | 'facilityType'; key: string } | undefined;
  if (scope.kind === 'deviceType' || scope.kind === 'facilityType') typeScope = { kind: scope.kind, key: scope.key };
  else if (scope.kind === 'device') {
    const d = app.db.t.devices;
    const [device] = await db.select({ typeKey: d.typeKey }).from(d).where(and(eq(d.tenantId, tenantId), eq(d.code, scope.key)));
    if (device) typeScope = { kind: 'deviceType', key: device.typeKey };
  } else {
    const e = app.db.t.entities;
    const [facility] = await db.select({ typeKey: e.typeKey }).from(e).where(and(eq(e.tenantId, tenantId), eq(e.code, scope.key)));
    if (facility) typeScope = { kind: 'facilityType', key: facility.typeKey };
  }
  const input = typeScope ? environmentInput(types.devices, types.facilities, typeScope) : null;
  if (!input) issue(['scope', 'key'], '#validation.unknownAlarmScope');
  else {
    for (const problem of checkAlarmRule(content, createAlarmEnvironment({ ...input, functions: app.functions }), { locale })) {
      if (problem.diagnostic.severity === 'error') issue(problem.segments, EXPR_ISSUE_PREFIX + JSON.stringify(problem.diagnostic));
    }
  }
  const roles = content.actions.notifyRoles ?? [];
  if (roles.length) {
    const r = app.db.t.roles;
    const known = new Set((await db.select({ code: r.code }).from(r).where(and(eq(r.tenantId, tenantId), inArray(r.code, roles)))).map((row) => row.code));
    roles.forEach((code, i) => { if (!known.has(code)) issue(['actions', 'notifyRoles', i], '#validation.unknownRole'); });
  }
  issues.push(...channelIssues(app.notifyTransports, content.actions.channels, locale, [...path, 'actions', 'channels']));
  const start = content.actions.startProcess;
  if (start) {
    const d = app.db.t.definitions;
    const [process] = await db.select({ id: d.id }).from(d)
      .where(and(eq(d.tenantId, tenantId), eq(d.kind, 'process'), eq(d.key, start.processKey), eq(d.status, 'published'))).limit(1);
    if (!process) issue(['actions', 'startProcess', 'processKey'], '#validation.unknownProcess');
    if (start.processKey === CASE_PROCESS_KEY && start.variables.categoryCode === undefined) issue(['actions', 'startProcess', 'variables'], '#validation.alarmCaseCategory');
  }
  return issues;
}

/**
 * Builds a person's CASL ability from their roles. Each role's rules are combined with the
 * role's data scope (数据范围): the scope becomes conditions on the subject's scope fields, so
 * one ability answers both "may I see this record?" and, through `accessibleWhere`, "which
 * rows may I list?". Several roles merge: a rule from any role grants.
 */
import { createMongoAbility, subject as asSubject, type MongoAbility, type RawRuleOf } from '@casl/ability';
import { ACTIONS, SUBJECTS, type Action, type DataScope, type RoleRule, type SubjectName } from '../../shared/domain.ts';

export type AppAbility = MongoAbility<[Action, SubjectName | Record<string, unknown> & { __caslSubjectType__?: string }]>;

/** Fields through which a subject's rows relate to organisations, grids and their owner. */
interface ScopeFields {
  org?: string;
  grid?: string;
  self?: string;
}

/** One table says how data scope applies to each subject. Unlisted subjects are tenant-wide. */
export const SCOPE_FIELDS: Partial<Record<SubjectName, ScopeFields>> = {
  Organisation: { org: 'id' },
  Grid: { org: 'orgId', grid: 'id' },
  User: { org: 'orgIds', self: 'id' },
  ApiToken: { self: 'userId' },
  // A case belongs to its grid's organisation, the district above it and the unit handling it.
  Case: { org: 'orgIds', grid: 'gridId', self: 'reportedBy' },
  // An indicator value belongs to its region: a district's staff see their district's values.
  Indicator: { org: 'regionId' },
  // A facility or device belongs to its maintaining unit and to the grid and district it stands in.
  Facility: { org: 'orgIds', grid: 'gridId' },
  Device: { org: 'orgIds', grid: 'gridId' },
  // An alarm belongs where its device or facility stood when it was raised (copied onto the alarm).
  Alarm: { org: 'orgIds', grid: 'gridId' },
};

export interface RoleForAbility {
  code: string;
  rules: RoleRule[];
  dataScope: DataScope;
  /** Organisation ids the scope resolves to (already expanded to descendants where it applies). */
  scopeOrgIds: string[];
  scopeGridIds: string[];
}

export interface AbilityInput {
  userId: string;
  roles: RoleForAbility[];
  /** API-token scopes ('read:User', 'manage:Definition'…): when set, narrow every grant. */
  tokenScopes?: string[] | null;
}

function scopeConditions(subjectName: SubjectName, role: RoleForAbility, userId: string): Record<string, unknown> {
  const fields = SCOPE_FIELDS[subjectName];
  if (!fields) return {};
  const conditions: Record<string, unknown> = {};
  if (role.dataScope === 'self') {
    if (fields.self) conditions[fields.self] = userId;
    else if (fields.org) conditions[fields.org] = { $in: role.scopeOrgIds };
  } else if (role.dataScope !== 'all' && fields.org) {
    conditions[fields.org] = { $in: role.scopeOrgIds };
  }
  if (role.scopeGridIds.length > 0 && fields.grid) conditions[fields.grid] = { $in: role.scopeGridIds };
  return conditions;
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function tokenAllows(scopes: string[] | null | undefined, action: Action, subjectName: SubjectName): boolean {
  if (!scopes) return true;
  return scopes.some((scope) => {
    const [a, s] = scope.split(':');
    return (a === 'manage' || a === action) && (s === 'all' || s === subjectName);
  });
}

const CONCRETE_SUBJECTS = SUBJECTS.filter((s): s is Exclude<SubjectName, 'all'> => s !== 'all');

export function buildAbility(input: AbilityInput): AppAbility {
  const raw: RawRuleOf<AppAbility>[] = [];
  for (const role of input.roles) {
    for (const rule of role.rules) {
      // `all` expands to every concrete subject so that data scope still applies to each.
      const subjects = asArray(rule.subject).flatMap((s) => (s === 'all' ? CONCRETE_SUBJECTS : [s]));
      for (const s of subjects) {
        for (const action of asArray(rule.action)) {
          const scoped = rule.inverted ? {} : scopeConditions(s, role, input.userId);
          const conditions = { ...scoped, ...(rule.conditions ?? {}) };
          raw.push({
            action,
            subject: s,
            ...(Object.keys(conditions).length ? { conditions } : {}),
            ...(rule.fields ? { fields: rule.fields } : {}),
            ...(rule.inverted ? { inverted: true } : {}),
          } as RawRuleOf<AppAbility>);
        }
      }
    }
  }
  // A scoped API token narrows whatever the roles grant: everything outside its scopes is
  // forbidden by trailing inverted rules (later rules take precedence in CASL).
  if (input.tokenScopes) {
    for (const s of CONCRETE_SUBJECTS) {
      for (const action of ACTIONS) {
        if (action !== 'manage' && !tokenAllows(input.tokenScopes, action, s)) {
          raw.push({ action, subject: s, inverted: true } as RawRuleOf<AppAbility>);
        }
      }
    }
  }
  return createMongoAbility<AppAbility>(raw, {
    detectSubjectType: (object) => (object as { __caslSubjectType__?: SubjectName }).__caslSubjectType__ ?? 'all',
  });
}

/** Tags a plain record with its subject type for CASL checks. */
export function subjectOf<T extends Record<string, unknown>>(name: SubjectName, record: T): T {
  return asSubject(name, { ...record });
}

export function permissionStrings(ability: AppAbility): string[] {
  return ability.rules.filter((r) => !r.inverted).flatMap((r) => asArray(r.action).flatMap((a) => asArray(r.subject as string).map((s) => `${a}:${s}`)));
}

/**
 * The role catalogue every new city starts with; admins adapt it in 角色权限. Follows the
 * separation of duties of GB/T 22239 level 2 (系统管理员 / 审计员): administrators manage the
 * configuration but cannot read the audit trail; auditors read and export it and change nothing.
 */
import { eq } from 'drizzle-orm';
import type { DataScope, RoleRule } from '../../shared/domain.ts';
import type { Database, Db } from '../db/database.server.ts';
import { newId } from '../ids.server.ts';

export interface RoleTemplate {
  code: string;
  name: string;
  description: string;
  dataScope: DataScope;
  rules: RoleRule[];
}

const CONFIG_READ: RoleRule = { action: 'read', subject: ['Dictionary', 'Calendar', 'Definition'] };
/** Operational staff start processes (cases) and follow them; tasks are theirs by assignment rules. */
const PROCESS_WORK: RoleRule = { action: ['read', 'create'], subject: ['Process', 'Case'] };
/** 报警处置: read alarms and acknowledge, resolve, close or judge them false, within the data scope. */
const ALARM_WORK: RoleRule = { action: ['read', 'update'], subject: 'Alarm' };

export const BUILTIN_ROLES: RoleTemplate[] = [
  {
    code: 'cityAdmin', name: '市级管理员', description: '机构、人员、权限、流程、表单与系统配置（不含审计日志）', dataScope: 'all',
    rules: [
      { action: 'manage', subject: 'all' },
      { action: ['read', 'export'], subject: 'AuditLog', inverted: true, reason: 'separation of duties' },
    ],
  },
  {
    code: 'auditor', name: '审计员', description: '查看和导出审计日志', dataScope: 'all',
    rules: [
      { action: ['read', 'export'], subject: 'AuditLog' },
      { action: 'read', subject: ['Organisation', 'User', 'Role'] },
    ],
  },
  {
    code: 'districtAdmin', name: '区级管理员', description: '管理本区机构、网格和人员', dataScope: 'orgAndBelow',
    rules: [
      { action: 'manage', subject: ['Organisation', 'Grid', 'User'] },
      { action: 'read', subject: ['Role', 'Parameter'] },
      CONFIG_READ,
    ],
  },
  {
    code: 'commandCenter', name: '指挥中心', description: '受理员、值班长、派遣员：全市范围', dataScope: 'all',
    rules: [{ action: 'read', subject: ['Organisation', 'Grid', 'User', 'Indicator', 'Facility', 'Device'] }, { action: 'create', subject: 'Indicator' }, CONFIG_READ, PROCESS_WORK, ALARM_WORK],
  },
  {
    code: 'districtStaff', name: '区级业务人员', description: '区级受理、派遣与领导：本区范围', dataScope: 'orgAndBelow',
    // 平台上报: a district reports its own indicator data (data scope: their district).
    rules: [{ action: 'read', subject: ['Organisation', 'Grid', 'User', 'Indicator', 'Facility', 'Device'] }, { action: 'create', subject: 'Indicator' }, CONFIG_READ, PROCESS_WORK, ALARM_WORK],
  },
  {
    code: 'inspector', name: '监督员', description: '信息采集与核查：本片区网格', dataScope: 'orgAndBelow',
    // 实地考察: inspectors record evaluation points in their grids (checked per grid by data scope).
    rules: [{ action: 'read', subject: ['Organisation', 'Grid'] }, { action: 'read', subject: 'User', fields: ['id', 'username', 'displayName', 'orgIds', 'positions'] }, { action: 'create', subject: 'Indicator' }, CONFIG_READ, PROCESS_WORK],
  },
  {
    code: 'handler', name: '处置人员', description: '责任单位处置：本单位', dataScope: 'org',
    rules: [{ action: 'read', subject: ['Organisation', 'User', 'Facility', 'Device', 'Alarm'] }, CONFIG_READ, PROCESS_WORK],
  },
  {
    code: 'leader', name: '市级领导', description: '全市查看', dataScope: 'all',
    rules: [{ action: 'read', subject: ['Organisation', 'Grid', 'User', 'Role', 'Process', 'Case', 'Indicator', 'Facility', 'Device', 'Alarm'] }, CONFIG_READ],
  },
];

type RoleRow = Database['t']['roles']['$inferInsert'];

/**
 * Inserts the built-in roles a tenant lacks (by code). Returns every role id by code and the rows
 * it created, so the caller can audit them in its own transaction.
 */
export async function ensureBuiltinRoles(db: Database, tx: Db, tenantId: string, now: Date): Promise<{ ids: Map<string, string>; created: RoleRow[] }> {
  const { roles } = db.t;
  const ids = new Map((await tx.select({ id: roles.id, code: roles.code }).from(roles).where(eq(roles.tenantId, tenantId))).map((r) => [r.code, r.id]));
  const created: RoleRow[] = [];
  for (const role of BUILTIN_ROLES) {
    if (ids.has(role.code)) continue;
    const row: RoleRow = {
      id: newId(), tenantId, code: role.code, name: role.name, description: role.description, rules: role.rules, dataScope: role.dataScope,
      scopeOrgIds: [], scopeGridIds: [], createdAt: now, updatedAt: now,
    };
    await tx.insert(roles).values(row);
    ids.set(role.code, row.id as string);
    created.push(row);
  }
  return { ids, created };
}

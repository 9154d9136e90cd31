/**
 * Domain vocabulary shared by server and browser (universal code: no Node or DOM imports).
 * English identifiers here; Chinese labels live in the i18n catalogs (see GLOSSARY.md).
 */
export const POSITIONS = [
  'inspector', // 监督员
  'intakeOperator', // 受理员
  'shiftLead', // 值班长
  'dispatcher', // 派遣员
  'handler', // 处置人员
  'leader', // 领导
  'admin', // 管理员
  'auditor', // 审计员
] as const;
export type Position = (typeof POSITIONS)[number];

export const ORG_LEVELS = ['city', 'district', 'street', 'community', 'department'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];

/** admin: administrative area node; department: 部门; responsibleUnit: 责任单位/处置部门. */
export const ORG_KINDS = ['admin', 'department', 'responsibleUnit'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/**
 * Data scope of a role (数据范围): 本人 / 本部门 / 本部门及下级 / 全部 / 指定机构.
 * "Own organisations" are the organisations the person is a member of.
 */
export const DATA_SCOPES = ['self', 'org', 'orgAndBelow', 'all', 'custom'] as const;
export type DataScope = (typeof DATA_SCOPES)[number];

/** Subjects that permissions name. `all` matches every subject. */
export const SUBJECTS = [
  'Organisation', 'Grid', 'User', 'Role', 'ApiToken', 'Dictionary', 'Parameter', 'Calendar',
  'Definition', 'AuditLog', 'Process', 'Case', 'Indicator', 'Facility', 'Device', 'Alarm', 'all',
] as const;
export type SubjectName = (typeof SUBJECTS)[number];

/** `manage` is CASL's wildcard action. `administer` on Process = process administration. */
export const ACTIONS = ['manage', 'read', 'create', 'update', 'delete', 'publish', 'export', 'administer'] as const;
export type Action = (typeof ACTIONS)[number];

/** One rule of a role: action × subject × conditions × fields (CASL raw rule shape). */
export interface RoleRule {
  action: Action | Action[];
  subject: SubjectName | SubjectName[];
  /** Extra conditions (CASL/Mongo-style) added on top of the role's data scope. */
  conditions?: Record<string, unknown>;
  fields?: string[];
  inverted?: boolean;
  reason?: string;
}

export const DEFINITION_KINDS = [
  'process', 'form', 'indicator', 'alarmRule', 'entityType', 'deviceType', 'dictionary', 'dashboard', 'mapLayer',
] as const;
export type DefinitionKind = (typeof DEFINITION_KINDS)[number];

export const DEFINITION_STATUSES = ['draft', 'published', 'retired'] as const;
export type DefinitionStatus = (typeof DEFINITION_STATUSES)[number];

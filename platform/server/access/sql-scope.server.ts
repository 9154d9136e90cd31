/**
 * Translates a CASL ability into a SQL filter for list queries, so rows outside the person's
 * data scope are never loaded. Supports the operators our roles use (eq, ne, in, nin, and,
 * or, not); anything else fails loudly rather than silently widening access.
 */
import { rulesToAST } from '@casl/ability/extra';
import { and, eq, inArray, ne, not, notInArray, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Action, SubjectName } from '../../shared/domain.ts';
import { AppError } from '../errors.server.ts';
import type { AppAbility } from './ability.server.ts';

/** A field maps to a column, or to a function building the SQL for (operator, value). */
export type FieldSql = (operator: 'eq' | 'ne' | 'in' | 'nin', value: unknown) => SQL;
export type FieldMap = Record<string, AnyColumn | FieldSql>;

interface AstNode {
  operator: string;
  field?: string;
  value: unknown;
}

const FALSE = sql`1 = 0`;
const TRUE = sql`1 = 1`;

function toSql(node: AstNode, fields: FieldMap): SQL {
  switch (node.operator) {
    case 'and': {
      const parts = (node.value as AstNode[]).map((n) => toSql(n, fields));
      return parts.length === 0 ? TRUE : (and(...parts) as SQL);
    }
    case 'or': {
      const parts = (node.value as AstNode[]).map((n) => toSql(n, fields));
      return parts.length === 0 ? FALSE : (or(...parts) as SQL);
    }
    case 'not':
      return not(toSql(node.value as AstNode, fields));
    case 'eq':
    case 'ne':
    case 'in':
    case 'nin': {
      const target = node.field ? fields[node.field] : undefined;
      if (!target) throw new Error(`No SQL mapping for permission field "${node.field}"`);
      if (typeof target === 'function') return target(node.operator, node.value);
      const values = node.value as unknown[];
      if (node.operator === 'eq') return eq(target, node.value);
      if (node.operator === 'ne') return ne(target, node.value);
      if (node.operator === 'in') return values.length ? inArray(target, values) : FALSE;
      return values.length ? notInArray(target, values) : TRUE;
    }
    default:
      throw new Error(`Unsupported permission operator "${node.operator}"`);
  }
}

/**
 * The WHERE fragment for rows `ability` may `action` on `subject`; `undefined` means no
 * restriction. Throws 403 when no rule grants the action at all.
 */
export function accessibleWhere(ability: AppAbility, action: Action, subjectName: SubjectName, fields: FieldMap): SQL | undefined {
  const ast = rulesToAST(ability, action, subjectName) as AstNode | null;
  if (ast === null) throw new AppError('forbidden');
  if (ast.operator === 'and' && (ast.value as AstNode[]).length === 0) return undefined;
  return toSql(ast, fields);
}

/**
 * 系统配置 → 参数: a typed registry of known parameter keys. Each key has a zod schema and a
 * default; a tenant stores only the values it changed. Unknown keys cannot be written.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { App, Actor } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { AppError, notFound, parseInput } from '../errors.server.ts';
import { translate, type Locale } from '../../shared/i18n/index.ts';
import {
  BUILTIN_PARAMETERS, parameterSetInput,
  type BuiltinParameterKey, type BuiltinParameterValues, type ParameterDefinition, type ParameterOutput,
} from '../../shared/schemas/parameter.ts';

type ParameterRow = App['db']['t']['parameters']['$inferSelect'];

const registry = new Map<string, ParameterDefinition>(Object.entries(BUILTIN_PARAMETERS));
const jsonSchemas = new Map<string, unknown>();

/**
 * Adds a parameter key (for later modules and plugins); each key is registered once.
 *
 * @example
 * registerParameter('alarm.escalationMinutes', { schema: z.number().int().min(1), defaultValue: 30, descriptionKey: 'parameterDescriptions.alarmEscalationMinutes' });
 */
export function registerParameter<S extends z.ZodType>(key: string, definition: ParameterDefinition<S>): void {
  if (registry.has(key)) throw new Error(`Parameter "${key}" is already registered`);
  registry.set(key, definition as unknown as ParameterDefinition);
}

function jsonSchemaOf(key: string, definition: ParameterDefinition): unknown {
  let schema = jsonSchemas.get(key);
  if (schema === undefined) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    schema = rest;
    jsonSchemas.set(key, schema);
  }
  return schema;
}

function toParameterOutput(key: string, definition: ParameterDefinition, row: ParameterRow | undefined, locale: Locale): ParameterOutput {
  return {
    key,
    value: row ? row.value : definition.defaultValue,
    isDefault: !row,
    defaultValue: definition.defaultValue,
    descriptionKey: definition.descriptionKey,
    description: translate(locale, definition.descriptionKey),
    schema: jsonSchemaOf(key, definition),
    updatedAt: row?.updatedAt.toISOString() ?? null,
    updatedBy: row?.updatedBy ?? null,
  };
}

export async function listParameters(app: App, actor: Actor): Promise<ParameterOutput[]> {
  assertCan(actor, 'read', 'Parameter');
  const p = app.db.t.parameters;
  const rows = await app.db.read.select().from(p).where(eq(p.tenantId, actor.principal.tenantId));
  const stored = new Map(rows.map((r) => [r.key, r]));
  return [...registry.entries()]
    .filter(([key]) => can(actor, 'read', 'Parameter', { key }))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, definition]) => toParameterOutput(key, definition, stored.get(key), actor.locale));
}

export async function setParameter(app: App, actor: Actor, key: string, raw: unknown): Promise<ParameterOutput> {
  assertCan(actor, 'update', 'Parameter');
  const definition = registry.get(key);
  if (!definition) throw notFound('parameter');
  assertCan(actor, 'update', 'Parameter', { key });
  const input = parseInput(parameterSetInput, raw);
  const parsed = definition.schema.safeParse(input.value);
  if (!parsed.success) {
    throw new AppError('validation_failed', {}, { issues: parsed.error.issues.map((i) => ({ ...i, path: ['value', ...i.path] }) as z.core.$ZodIssue) });
  }
  const value = parsed.data;
  const { tenantId, userId } = actor.principal;
  const { db } = app;
  const p = db.t.parameters;
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(p).where(and(eq(p.tenantId, tenantId), eq(p.key, key)));
    const now = app.now();
    const row: ParameterRow = { tenantId, key, value, updatedAt: now, updatedBy: userId };
    // A JSON null (e.g. "no custom base map") must not become SQL NULL: the column is NOT NULL
    // and a missing row means "default". The literal is coerced to jsonb/json text on both dialects.
    const stored = value === null ? sql`'null'` : value;
    await tx.insert(p).values({ ...row, value: stored }).onConflictDoUpdate({ target: [p.tenantId, p.key], set: { value: stored, updatedAt: now, updatedBy: userId } });
    await recordAudit(db, tx, {
      tenantId, actorId: userId, actorName: actor.principal.displayName, action: 'update', objectType: 'parameter', objectId: key,
      before: { value: before ? before.value : definition.defaultValue, isDefault: !before }, after: { value },
    }, actor.meta, now);
    return toParameterOutput(key, definition, row, actor.locale);
  });
}

/**
 * The tenant's value of a built-in parameter (its default when none is stored), for services
 * and engines. A stored value that no longer fits the schema is a data error and fails loudly.
 */
export async function getParameterValue<K extends BuiltinParameterKey>(
  app: App, tenantId: string, key: K, db: Db = app.db.read,
): Promise<BuiltinParameterValues[K]> {
  const definition = BUILTIN_PARAMETERS[key] as ParameterDefinition;
  const p = app.db.t.parameters;
  const [row] = await db.select({ value: p.value }).from(p).where(and(eq(p.tenantId, tenantId), eq(p.key, key)));
  if (!row) return definition.defaultValue as BuiltinParameterValues[K];
  const parsed = definition.schema.safeParse(row.value);
  if (!parsed.success) {
    throw new Error(`Stored parameter ${key} of tenant ${tenantId} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data as BuiltinParameterValues[K];
}

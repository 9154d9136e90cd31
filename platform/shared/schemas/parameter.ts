/**
 * 系统配置 → 参数: the built-in parameter keys, each with its value schema, default and
 * description. Universal, so the browser renders and validates the same forms the server checks.
 */
import { z } from 'zod';
import { BASEMAP_COORDINATES, type BasemapCoordinates } from '@tongguan/runtime/geo/gcj02';
import type { MessageKey } from '../i18n/index.ts';
import { workingTimeSchema } from './calendar.ts';

const NUMBER_RULE_TOKEN = /\{(?:yyyy|yy|MM|dd|yyyyMM|yyyyMMdd|seq:(?:[1-9]|1[0-2]))\}|[A-Za-z0-9_-]/g;

/** Case numbers: literal letters/digits/-/_ plus date tokens and exactly one `{seq:N}` counter. */
export const caseNumberRuleSchema = z.object({
  pattern: z.string().trim().min(1).max(64).refine(
    (p) => p.replace(NUMBER_RULE_TOKEN, '') === '' && (p.match(/\{seq:/g) ?? []).length === 1,
    { message: '#validation.numberRule' },
  ),
});

/**
 * Handling time limits of cases in working hours (GB/T 30428.8 sets limits per category; the
 * city configures its own): the most specific category-code prefix wins, else `defaultHours`.
 */
export const caseDeadlinesSchema = z.object({
  defaultHours: z.number().positive().max(24 * 365),
  byCategory: z.record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), z.number().positive().max(24 * 365)),
});

/** Tile URL template of the base map, e.g. https://tiles.example.gov.cn/{z}/{x}/{y}.png; null = built-in. */
export const basemapUrlSchema = z.string().trim().max(500).regex(/^https?:\/\/[^\s<>"]+$/, { message: '#validation.url' }).nullable();

/** Days after which a password must be changed (GB/T 22239 identity authentication); 0 = never. */
export const passwordExpiryDaysSchema = z.number().int().min(0).max(3650);

export interface ParameterDefinition<S extends z.ZodType = z.ZodType> {
  schema: S;
  defaultValue: z.output<S>;
  /** Catalog key describing the parameter in 系统配置 → 参数. */
  descriptionKey: MessageKey;
}

function parameter<S extends z.ZodType>(definition: ParameterDefinition<S>): ParameterDefinition<S> {
  return definition;
}

export const BUILTIN_PARAMETERS = {
  'case.numberRule': parameter({
    schema: caseNumberRuleSchema,
    defaultValue: { pattern: '{yyyyMMdd}{seq:4}' },
    descriptionKey: 'parameterDescriptions.caseNumberRule',
  }),
  'case.deadlines': parameter({
    schema: caseDeadlinesSchema,
    defaultValue: { defaultHours: 16, byCategory: { E04: 2, P01: 8 } },
    descriptionKey: 'parameterDescriptions.caseDeadlines',
  }),
  'calendar.workingTime': parameter({
    schema: workingTimeSchema,
    defaultValue: { timeZone: 'Asia/Shanghai', workingPeriods: [{ start: '09:00', end: '12:00' }, { start: '13:30', end: '17:30' }], weekendDays: [0, 6] },
    descriptionKey: 'parameterDescriptions.calendarWorkingTime',
  }),
  'map.basemapUrl': parameter({
    schema: basemapUrlSchema,
    defaultValue: null,
    descriptionKey: 'parameterDescriptions.mapBasemapUrl',
  }),
  'map.basemapCoordinates': parameter({
    schema: z.enum(BASEMAP_COORDINATES),
    defaultValue: 'WGS84' as BasemapCoordinates,
    descriptionKey: 'parameterDescriptions.mapBasemapCoordinates',
  }),
  'security.passwordExpiryDays': parameter({
    schema: passwordExpiryDaysSchema,
    defaultValue: 90,
    descriptionKey: 'parameterDescriptions.securityPasswordExpiryDays',
  }),
};

export type BuiltinParameterKey = keyof typeof BUILTIN_PARAMETERS;
export type BuiltinParameterValues = { [K in BuiltinParameterKey]: (typeof BUILTIN_PARAMETERS)[K]['defaultValue'] };

export const parameterKeyParams = z.object({ key: z.string().min(1).max(100) });

export const parameterSetInput = z.object({ value: z.unknown() });
export type ParameterSetInput = z.input<typeof parameterSetInput>;

export const parameterOutput = z.object({
  key: z.string(),
  /** The stored value, or the default when none is stored. */
  value: z.unknown(),
  isDefault: z.boolean(),
  defaultValue: z.unknown(),
  descriptionKey: z.string(),
  /** The description in the caller's language. */
  description: z.string(),
  /** JSON Schema of the value (for generic editors and integrators). */
  schema: z.unknown(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type ParameterOutput = z.infer<typeof parameterOutput>;

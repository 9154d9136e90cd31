/**
 * Device types (definition kind `deviceType`) and facility types (kind `entityType`): the
 * metadata the monitoring side runs on. A device type names the metrics its devices send — unit,
 * plausible range, sampling interval — so ingestion can refuse nonsense and the online rule
 * (000 table 5.2.4: data within 72 h) knows what "silent" means. A facility type declares the
 * attributes its facilities carry beside the common columns (code, name, organisation, grid,
 * location); declared-indexed attributes are the ones lists and formulas filter on.
 *
 * Messages starting with `#` are keys of the platform's validation catalog (zh-CN and en).
 */
import { z } from 'zod';

/** The five template domains (GLOSSARY: roads, pipelines, waste, water, fire). */
export const MONITORING_DOMAINS = ['roads', 'pipelines', 'waste', 'water', 'fire'] as const;
/** The nine special monitoring modules of 000 §4.2.4 (燃气、供水、排水、环卫、道路、桥梁、隧道、应急庇护场所、人员密集场所). */
export const MONITORING_MODULES = ['gas', 'waterSupply', 'drainage', 'sanitation', 'road', 'bridge', 'tunnel', 'shelter', 'crowdedPlace'] as const;
export type MonitoringModule = (typeof MONITORING_MODULES)[number];

/** The standard's online criterion (000 table 5.2.4, 2-2-2): a device is online when it sent data within 72 hours. */
export const DEFAULT_OFFLINE_AFTER_HOURS = 72;

/** Metric keys appear in payloads, alarm conditions and formulas: identifier-like, ASCII. */
const metricKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, '#validation.metricKey');
const attributeKey = metricKey;
const definitionKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,79}$/, '#validation.definitionKey');

const metric = z.object({
  key: metricKey,
  name: z.string().min(1).max(100),
  nameEn: z.string().max(100).optional(),
  /** Display unit, e.g. `%LEL`, `MPa`, `mm`, `μɛ`; '' for counts and flags. */
  unit: z.string().max(20).default(''),
  /** Values outside [min, max] are refused at ingestion as out of range (counted per device). */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Nominal interval between readings, in seconds. */
  samplingSeconds: z.number().int().min(1).max(86_400 * 7),
  /** Flags (0/1), e.g. a manhole cover open switch: shown as states rather than curves. */
  flag: z.boolean().optional(),
}).refine((m) => m.min === undefined || m.max === undefined || m.min <= m.max, { message: '#validation.minAboveMax', path: ['max'] });

export const deviceTypeContentSchema = z.object({
  name: z.string().min(1).max(100),
  nameEn: z.string().max(100).optional(),
  description: z.string().max(2000).optional(),
  domain: z.enum(MONITORING_DOMAINS),
  module: z.enum(MONITORING_MODULES),
  /** Facility types (entityType keys) devices of this type may be linked to. */
  facilityTypes: z.array(definitionKey).max(20).default([]),
  metrics: z.array(metric).min(1).max(100),
  /** No data for this long means offline (default the standard's 72 h). */
  offlineAfterHours: z.number().positive().max(24 * 365).default(DEFAULT_OFFLINE_AFTER_HOURS),
}).superRefine((content, ctx) => {
  const seen = new Set<string>();
  content.metrics.forEach((m, i) => {
    if (seen.has(m.key)) ctx.addIssue({ code: 'custom', message: '#validation.duplicateKey', path: ['metrics', i, 'key'] });
    seen.add(m.key);
  });
});
export type DeviceTypeContent = z.output<typeof deviceTypeContentSchema>;
export type MetricSpec = DeviceTypeContent['metrics'][number];

export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date'] as const;

const attribute = z.object({
  key: attributeKey,
  name: z.string().min(1).max(100),
  nameEn: z.string().max(100).optional(),
  type: z.enum(ATTRIBUTE_TYPES),
  unit: z.string().max(20).optional(),
  required: z.boolean().optional(),
  /** Filtered on by lists and formulas: the platform keeps an index for it. */
  indexed: z.boolean().optional(),
  /** Allowed values of a string attribute. */
  options: z.array(z.string().min(1).max(100)).max(200).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const entityTypeContentSchema = z.object({
  name: z.string().min(1).max(100),
  nameEn: z.string().max(100).optional(),
  description: z.string().max(2000).optional(),
  domain: z.enum(MONITORING_DOMAINS),
  module: z.enum(MONITORING_MODULES),
  /** How facilities of this type are drawn on the map. */
  geometry: z.enum(['point', 'line', 'polygon']),
  attributes: z.array(attribute).max(100).default([]),
}).superRefine((content, ctx) => {
  const seen = new Set<string>();
  content.attributes.forEach((a, i) => {
    if (seen.has(a.key)) ctx.addIssue({ code: 'custom', message: '#validation.duplicateKey', path: ['attributes', i, 'key'] });
    seen.add(a.key);
    if (a.options && a.type !== 'string') ctx.addIssue({ code: 'custom', message: '#validation.optionsNeedString', path: ['attributes', i, 'options'] });
  });
});
export type EntityTypeContent = z.output<typeof entityTypeContentSchema>;
export type AttributeSpec = EntityTypeContent['attributes'][number];

export type AttributeProblem = { key: string; message: '#validation.inputRequired' | '#validation.attributeType' | '#validation.notAnOption' | '#validation.attributeRange' | '#validation.unknownAttribute' };

/** Checks a facility's attributes against its type: required ones present, values of the declared type, options and ranges respected, nothing undeclared. */
export function checkAttributes(type: EntityTypeContent, values: Readonly<Record<string, unknown>>): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  const declared = new Map(type.attributes.map((a) => [a.key, a]));
  for (const key of Object.keys(values)) if (!declared.has(key)) problems.push({ key, message: '#validation.unknownAttribute' });
  for (const a of type.attributes) {
    const v = values[a.key];
    if (v === undefined || v === null || v === '') {
      if (a.required) problems.push({ key: a.key, message: '#validation.inputRequired' });
      continue;
    }
    const ok = a.type === 'number' ? typeof v === 'number' && Number.isFinite(v)
      : a.type === 'boolean' ? typeof v === 'boolean'
        : a.type === 'date' ? typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))
          : typeof v === 'string' && v.length <= 1000;
    if (!ok) { problems.push({ key: a.key, message: '#validation.attributeType' }); continue; }
    if (a.options && !a.options.includes(v as string)) problems.push({ key: a.key, message: '#validation.notAnOption' });
    if (typeof v === 'number' && ((a.min !== undefined && v < a.min) || (a.max !== undefined && v > a.max))) problems.push({ key: a.key, message: '#validation.attributeRange' });
  }
  return problems;
}

export type ReadingProblem = 'unknownMetric' | 'notNumeric' | 'outOfRange';

/** Judges one reading against its device type: the metric exists, the value is a finite number (flags also accept booleans) inside the declared range. */
export function judgeReading(type: DeviceTypeContent, metricKeyValue: string, value: unknown): { value: number } | { problem: ReadingProblem } {
  const spec = type.metrics.find((m) => m.key === metricKeyValue);
  if (!spec) return { problem: 'unknownMetric' };
  const n = typeof value === 'boolean' && spec.flag ? (value ? 1 : 0) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return { problem: 'notNumeric' };
  if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) return { problem: 'outOfRange' };
  return { value: n };
}

/**
 * The indicator definition (definition kind `indicator`): what 000 chapter 5 and 001 §4.1.4 ask
 * an indicator to carry — code, level and parent, collection method (实时监测 / 平台上报 / 实地考察),
 * the data basis (测算依据) each bound to a query or an input, the formula over the basis, display
 * requirements, target and bands, score and scoring method, period and regions.
 *
 * Messages starting with `#` are keys of the platform's validation catalog (zh-CN and en).
 *
 * A query basis item is a formula over datasets (it must compute in the database); the indicator's
 * formula reads the basis items by key, so every value can show the numbers it came from.
 */
import { z } from 'zod';
import { createEnvironment } from '../expr/environment.ts';
import type { FunctionRegistry } from '../expr/functions/registry.ts';
import { ExprError, type Diagnostic } from '../expr/errors.ts';
import { check } from '../expr/checker.ts';
import { compile } from '../expr/compile.ts';
import { parse } from '../expr/parser.ts';
import { t, type ExprType } from '../expr/types.ts';
import { planFormula, type DatasetSpec } from '../expr/sql/plan.ts';

export const COLLECTION_METHODS = ['realtime', 'reported', 'inspection'] as const;
export const INDICATOR_PERIODS = ['day', 'month', 'quarter', 'year'] as const;
/** Whole city, 区/县, unit grid, and responsible unit (处置单位/责任单位, for 绩效评价 per department). */
export const REGION_LEVELS = ['city', 'district', 'grid', 'unit'] as const;
/** The five municipal domains of the template, and case handling (绩效评价). */
export const INDICATOR_DOMAINS = ['roads', 'pipelines', 'waste', 'water', 'fire', 'cases'] as const;
export type IndicatorDomain = (typeof INDICATOR_DOMAINS)[number];

const key = z.string().regex(/^[\p{L}_][\p{L}\p{N}_]*$/u, '#validation.basisKey').max(60);

const basisItem = z.discriminatedUnion('source', [
  z.object({ key, name: z.string().min(1).max(200), source: z.literal('query'), formula: z.string().min(1).max(4000) }),
  z.object({
    key, name: z.string().min(1).max(200), source: z.literal('input'),
    min: z.number().optional(), max: z.number().optional(), unit: z.string().max(20).optional(), integer: z.boolean().optional(),
  }).refine((item) => item.min === undefined || item.max === undefined || item.min <= item.max, { message: '#validation.minAboveMax', path: ['max'] }),
  z.object({
    key, name: z.string().min(1).max(200), source: z.literal('inspection'), checklist: z.array(z.string().min(1).max(200)).min(1).max(100),
    /** 评价网格: the grids (by code) evaluation grids are drawn from; absent: every grid of the city. */
    grids: z.array(z.string().min(1).max(50)).min(1).max(5000).optional(),
    /** 评价点位: how many evaluation points an inspector records at least in a drawn grid (1 when absent). */
    minPoints: z.number().int().min(1).max(200).optional(),
  }),
]);

export const indicatorContentSchema = z.object({
  /** 000 table 5.1.5 numbering: `2`, `2-2`, `2-2-2`. */
  code: z.string().regex(/^\d+(-\d+){0,2}$/, '#validation.indicatorCode'),
  name: z.string().min(1).max(200),
  nameEn: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  unit: z.string().max(20).optional(),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  parentCode: z.string().regex(/^\d+(-\d+){0,1}$/, '#validation.indicatorCode').optional(),
  domain: z.enum(INDICATOR_DOMAINS).optional(),
  collection: z.enum(COLLECTION_METHODS),
  /** Over the basis items (by key) and `period`; absent for a group (level 1 or 2). */
  formula: z.string().min(1).max(4000).optional(),
  basis: z.array(basisItem).max(50).default([]),
  display: z.string().max(2000).optional(),
  /** 平台上报: the data-entry form (a `form` definition) its inputs are entered with; each input item is one of its fields. */
  formKey: z.string().regex(/^[a-z][a-z0-9-]*$/).max(100).optional(),
  target: z.object({ operator: z.enum(['>=', '<=']), value: z.number() }).optional(),
  bands: z.array(z.object({ status: z.enum(['good', 'fair', 'poor']), min: z.number().optional(), max: z.number().optional() })).max(10).optional(),
  score: z.number().min(0).max(1000).optional(),
  /** 评分方法 as text, for people. */
  scoring: z.string().max(2000).optional(),
  /** 评分方法 as a formula over `value`, `target` and `score` giving the points earned; absent: the default rule (docs/indicators.md). */
  scoringFormula: z.string().min(1).max(2000).optional(),
  period: z.enum(INDICATOR_PERIODS),
  regions: z.array(z.enum(REGION_LEVELS)).min(1).default(['city', 'district']),
  /** Rules a report must meet beyond each input's range, e.g. `inspected <= bridges`, naming the input to blame. */
  checks: z.array(z.object({
    rule: z.string().min(1).max(1000), field: key,
    message: z.string().min(1).max(200), messageEn: z.string().max(200).optional(),
  })).max(20).default([]),
}).superRefine((content, ctx) => {
  const level = content.code.split('-').length;
  if (level !== content.level) ctx.addIssue({ code: 'custom', path: ['level'], message: '#validation.indicatorLevel' });
  if (level > 1 && content.parentCode !== content.code.split('-').slice(0, -1).join('-')) {
    ctx.addIssue({ code: 'custom', path: ['parentCode'], message: '#validation.indicatorParent' });
  }
  if (content.level === 3 && !content.formula) ctx.addIssue({ code: 'custom', path: ['formula'], message: '#validation.indicatorFormulaRequired' });
  if (content.formKey && !content.basis.some((item) => item.source === 'input')) ctx.addIssue({ code: 'custom', path: ['formKey'], message: '#validation.notAnInputIndicator' });
  const seen = new Set<string>();
  content.basis.forEach((item, i) => {
    if (seen.has(item.key)) ctx.addIssue({ code: 'custom', path: ['basis', i, 'key'], message: '#validation.duplicateKey' });
    seen.add(item.key);
  });
  content.checks.forEach((check, i) => {
    if (!content.basis.some((item) => item.key === check.field && item.source === 'input')) ctx.addIssue({ code: 'custom', path: ['checks', i, 'field'], message: '#validation.checkField' });
  });
  const wanted = { realtime: 'query', reported: 'input', inspection: 'inspection' }[content.collection];
  if (content.level === 3 && !content.basis.some((item) => item.source === wanted)) {
    ctx.addIssue({ code: 'custom', path: ['basis'], message: '#validation.indicatorBasis' });
  }
});

export type IndicatorContent = z.infer<typeof indicatorContentSchema>;

/** What an inspection basis item gives the formula: evaluation points that passed every check, and all inspected. */
export const INSPECTION_TYPE: ExprType = t.record({ passed: t.number, total: t.number });

/** The type a basis item has in the indicator's formula. */
export function basisType(source: IndicatorContent['basis'][number]['source']): ExprType {
  return source === 'inspection' ? INSPECTION_TYPE : t.number;
}

/** What a scoring formula reads: the indicator's value (null = no data), its target value and its full score. */
export const SCORING_ENVIRONMENT = createEnvironment({ variables: { value: t.number, target: t.number, score: t.number } });

/**
 * Points an indicator earns (综合评价): its scoring formula when it has one, else the default rule —
 * no data earns 0; without a target the full score; "≥ T" earns score × min(1, value / T); "≤ T"
 * earns the full score up to T and loses it linearly, nothing at 2T. Never negative, never above the score.
 */
export function earnedPoints(content: IndicatorContent, value: number | null): number {
  const score = content.score ?? 0;
  if (value === null) return 0;
  const target = content.target;
  let earned: number;
  if (content.scoringFormula) {
    const result = compile(content.scoringFormula, { environment: SCORING_ENVIRONMENT, expectedType: t.number }).evaluate({ value, target: target?.value ?? null, score });
    earned = typeof result === 'number' ? result : 0;
  } else if (!target) {
    earned = score;
  } else if (target.operator === '>=') {
    earned = target.value <= 0 ? score : score * Math.min(1, value / target.value);
  } else {
    earned = value <= target.value ? score : score * Math.max(0, 1 - (value - target.value) / Math.max(target.value, Number.EPSILON));
  }
  return Math.round(Math.min(score, Math.max(0, earned)) * 100) / 100;
}

/** The period being computed, as formulas see it. */
export const PERIOD_TYPE: ExprType = t.record({ start: t.datetime, end: t.datetime, kind: t.string });

export interface IndicatorProblem {
  readonly path: (string | number)[];
  readonly diagnostic: Diagnostic;
}

/**
 * Checks every formula of a well-formed indicator: query basis items must compute in the database
 * over `datasets`, the indicator's formula must check over the basis keys and give a number.
 * Each problem is positioned within its formula (render with `describeDiagnostic`).
 */
export function checkIndicatorFormulas(content: IndicatorContent, datasets: Readonly<Record<string, DatasetSpec>>, functions?: FunctionRegistry): IndicatorProblem[] {
  const fns = functions ? { functions } : {};
  const problems: IndicatorProblem[] = [];
  const report = (path: (string | number)[], diagnostics: readonly Diagnostic[]) => {
    for (const diagnostic of diagnostics) if (diagnostic.severity === 'error') problems.push({ path, diagnostic });
  };
  const periodEnvironment = createEnvironment({ variables: { period: PERIOD_TYPE }, ...fns });
  content.basis.forEach((item, i) => {
    if (item.source !== 'query') return;
    try {
      planFormula(item.formula, { datasets, environment: periodEnvironment, expectedType: t.number });
    } catch (error) {
      if (!(error instanceof ExprError)) throw error;
      report(['basis', i, 'formula'], error.diagnostics);
    }
  });
  const inputs = createEnvironment({ variables: Object.fromEntries(content.basis.filter((item) => item.source === 'input').map((item) => [item.key, t.number])), ...fns });
  content.checks.forEach((rule, i) => {
    const parsed = parse(rule.rule);
    if (parsed.ast === undefined) report(['checks', i, 'rule'], parsed.diagnostics);
    else report(['checks', i, 'rule'], check(parsed.ast, inputs, { expectedType: t.boolean }).diagnostics);
  });
  if (content.scoringFormula) {
    const parsed = parse(content.scoringFormula);
    if (parsed.ast === undefined) report(['scoringFormula'], parsed.diagnostics);
    else report(['scoringFormula'], check(parsed.ast, SCORING_ENVIRONMENT, { expectedType: t.number }).diagnostics);
  }
  if (content.formula) {
    const variables: Record<string, ExprType> = { period: PERIOD_TYPE };
    for (const item of content.basis) variables[item.key] = basisType(item.source);
    const parsed = parse(content.formula);
    if (parsed.ast === undefined) report(['formula'], parsed.diagnostics);
    else report(['formula'], check(parsed.ast, createEnvironment({ variables, ...fns }), { expectedType: t.number }).diagnostics);
  }
  return problems;
}

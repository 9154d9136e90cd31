import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { computeIndicator, computeIndicatorInput, indicatorValues, indicatorValuesQuery, listIndicators } from '../../indicators/indicators.server.ts';
import { evaluationQuery, evaluationResults } from '../../indicators/evaluation.server.ts';

const indicatorSummary = z.object({
  key: z.string(), code: z.string(), name: z.string(), unit: z.string().nullable(), level: z.number().int(), parentCode: z.string().nullable(),
  collection: z.enum(['realtime', 'reported', 'inspection']), period: z.enum(['day', 'month', 'quarter', 'year']), formula: z.string().nullable(),
  basis: z.array(z.object({ key: z.string(), name: z.string(), source: z.string(), formula: z.string().optional() })),
  target: z.object({ operator: z.enum(['>=', '<=']), value: z.number() }).nullable(), version: z.number().int(),
});

const indicatorValue = z.object({
  regionLevel: z.string(), regionId: z.string().nullable(), regionName: z.string().nullable(), period: z.string(),
  value: z.number().nullable(), status: z.enum(['ok', 'noData']), previous: z.number().nullable(), lastYear: z.number().nullable(),
  inputs: z.record(z.string(), z.number().nullable()), computedAt: z.string(), definitionVersion: z.number().int(),
});

export const indicatorRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/indicators', permission: { action: 'read', subject: 'Indicator' }, tag: 'indicators',
    summary: 'The city\'s published indicators, in code order',
    response: z.object({ items: z.array(indicatorSummary) }), errors: [401, 403],
    handler: async ({ app, actor }) => ({ items: await listIndicators(app, actor) }),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/indicators/{key}/values', permission: { action: 'read', subject: 'Indicator' }, tag: 'indicators',
    summary: 'Stored values of an indicator, newest period first, with 环比 (previous) and 同比 (lastYear)',
    description: 'A district\'s staff see their districts\' values. `status: noData` (value null) when a denominator was zero or data was missing.',
    params: z.object({ key: z.string().min(1).max(100) }), query: indicatorValuesQuery,
    response: z.object({ items: z.array(indicatorValue) }), errors: [401, 403, 404, 422],
    handler: async ({ app, actor, params, query }) => ({ items: await indicatorValues(app, actor, params.key, query) }),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/indicators/compute', permission: { action: 'update', subject: 'Indicator' }, tag: 'indicators',
    summary: 'Compute an indicator for a period (whole city, and per district or grid with groupBy); recomputing replaces the values',
    description: 'Each value keeps the number of every basis item and the definition version it was computed with. Audited.',
    body: computeIndicatorInput,
    response: z.object({ indicator: indicatorSummary, values: z.array(indicatorValue) }), errors: [401, 403, 404, 422],
    handler: ({ app, actor, body }) => computeIndicator(app, actor, body),
  }),
];

export const evaluationRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/evaluations', permission: { action: 'read', subject: 'Indicator' }, tag: 'indicators',
    summary: '综合评价: a month\'s evaluation result — each district\'s points per scored indicator, total and rank',
    description: 'From the stored indicator values (compute them first); an indicator without a value for a district earns nothing and is listed under `missing`.',
    query: evaluationQuery,
    response: z.object({
      month: z.string(), maxScore: z.number(),
      indicators: z.array(z.object({ key: z.string(), code: z.string(), name: z.string(), unit: z.string().nullable(), score: z.number(), period: z.string() })),
      districts: z.array(z.object({
        regionId: z.string(), name: z.string(), total: z.number(), rank: z.number().int(),
        byIndicator: z.record(z.string(), z.object({ value: z.number().nullable(), earned: z.number() })), missing: z.array(z.string()),
      })),
    }),
    errors: [401, 403, 422],
    handler: ({ app, actor, query }) => evaluationResults(app, actor, query),
  }),
];

import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import { listReports, reportsQuery, reviewReport, reviewReportInput, submitReport, submitReportInput } from '../../indicators/reports.server.ts';

const report = z.object({
  id: z.string(), indicatorKey: z.string(), definitionVersion: z.number().int(), regionLevel: z.string(), regionId: z.string().nullable(), period: z.string(),
  values: z.record(z.string(), z.number()), status: z.enum(['submitted', 'approved', 'rejected']), submittedBy: z.string(), submittedAt: z.string(),
  reviewedBy: z.string().nullable(), reviewedAt: z.string().nullable(), reviewComment: z.string().nullable(),
});

export const indicatorReportRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/indicators/{key}/reports', permission: { action: 'create', subject: 'Indicator' }, tag: 'indicators',
    summary: '平台上报: report the input items of a reported indicator for a period (and district)',
    description: 'Each number is checked against its item (required, whole number, range) and the indicator\'s checks; 422 names each bad `values.<key>` and nothing is written. Resubmitting replaces a pending or rejected report; an approved one answers 409. Counts only once approved.',
    params: z.object({ key: z.string().min(1).max(100) }), body: submitReportInput,
    response: report, status: 201, errors: [401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => submitReport(app, actor, params.key, body),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/indicator-reports', permission: { action: 'read', subject: 'Indicator' }, tag: 'indicators',
    summary: 'Reports, newest first (a district\'s staff see their districts\')', query: reportsQuery,
    response: z.object({ items: z.array(report) }), errors: [401, 403, 422],
    handler: async ({ app, actor, query }) => ({ items: await listReports(app, actor, query) }),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/indicator-reports/{id}/review', permission: { action: 'update', subject: 'Indicator' }, tag: 'indicators',
    summary: 'Approve or reject a submitted report', params: idParams, body: reviewReportInput,
    response: report, errors: [401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => reviewReport(app, actor, params.id, body),
  }),
];

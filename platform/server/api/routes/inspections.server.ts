import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import { assignInput, assignInspection, inspectionCandidates, inspectionQuery, listInspectionTasks, resultsInput, sampleInput, sampleInspections, submitInspection } from '../../indicators/inspections.server.ts';

const task = z.object({
  id: z.string(), indicatorKey: z.string(), basisKey: z.string(), period: z.string(), gridId: z.string(), gridName: z.string().nullable(),
  districtOrgId: z.string().nullable(), checklist: z.array(z.string()), minPoints: z.number().int().describe('评价点位: the least number of points to record'), status: z.enum(['open', 'done']),
  points: z.array(z.object({
    name: z.string(), lng: z.number(), lat: z.number(), checks: z.record(z.string(), z.boolean()), note: z.string().optional(), photoIds: z.array(z.string()).optional(),
  })).nullable(),
  createdAt: z.string(), completedAt: z.string().nullable(), completedBy: z.string().nullable(),
  assigneeId: z.string().nullable().describe('The inspector the task is distributed to; null: any inspector of the grid'), assigneeName: z.string().nullable(), assignedAt: z.string().nullable(),
});

export const inspectionRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/indicators/{key}/inspections', permission: { action: 'update', subject: 'Indicator' }, tag: 'indicators',
    summary: '实地考察: draw evaluation grids at random in every district and create their inspection tasks',
    description: 'Grids already drawn for the period are kept (drawing again only tops up to `perDistrict`). Each drawn grid goes to the inspector of the grid with the fewest open tasks, who is notified; a grid no inspector covers stays open to any who later does. Audited.',
    params: z.object({ key: z.string().min(1).max(100) }), body: sampleInput,
    response: z.object({ items: z.array(task) }), status: 201, errors: [401, 403, 404, 422],
    handler: async ({ app, actor, params, body }) => ({ items: await sampleInspections(app, actor, params.key, body) }),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/inspection-tasks', permission: { action: 'read', subject: 'Grid' }, tag: 'indicators',
    summary: 'Inspection tasks in the grids of the caller\'s data scope (`assignee=me`: those distributed to the caller)', query: inspectionQuery,
    response: z.object({ items: z.array(task) }), errors: [401, 403, 422],
    handler: async ({ app, actor, query }) => ({ items: await listInspectionTasks(app, actor, query) }),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/inspection-tasks/{id}/results', permission: { action: 'create', subject: 'Indicator' }, tag: 'indicators',
    summary: 'Record the evaluation points of an open inspection task',
    description: 'Each point must lie in the task\'s grid and answer every checklist item yes or no; `photoIds` are the caller\'s own photos uploaded through POST /api/v1/attachments and not yet used. 422 names each bad field, nothing written. A done task answers 409; a task distributed to another inspector 403.',
    params: idParams, body: resultsInput, response: task, errors: [401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => submitInspection(app, actor, params.id, body),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/inspection-tasks/{id}/candidates', permission: { action: 'update', subject: 'Indicator' }, tag: 'indicators',
    summary: 'Inspectors an inspection task can be distributed to (their data scope holds its grid), with their open tasks',
    params: idParams, response: z.object({ items: z.array(z.object({ id: z.string(), displayName: z.string(), openTasks: z.number().int() })) }), errors: [401, 403, 404],
    handler: async ({ app, actor, params }) => ({ items: await inspectionCandidates(app, actor, params.id) }),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/inspection-tasks/{id}/assign', permission: { action: 'update', subject: 'Indicator' }, tag: 'indicators',
    summary: 'Distribute an open inspection task to an inspector of its grid (null: open to all of them)',
    description: 'Someone who is not an inspector of the grid is a 422 naming `assigneeId`; a done task 409. Audited; the assignee gets a notice.',
    params: idParams, body: assignInput, response: task, errors: [401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => assignInspection(app, actor, params.id, body),
  }),
];

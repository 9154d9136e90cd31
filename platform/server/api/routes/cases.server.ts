import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import { caseInput, caseOutput, casePage, caseQuery } from '../../../shared/schemas/case.ts';
import { attachmentOutput } from '../../../shared/schemas/case.ts';
import { createCase, getCase, listCases, mayReadCase } from '../../services/cases.server.ts';
import { mayReadInspection } from '../../indicators/inspections.server.ts';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, readAttachment, uploadAttachment } from '../../services/attachments.server.ts';

export const caseRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/cases', permission: { action: 'read', subject: 'Case' }, tag: 'cases',
    summary: 'Cases in the caller\'s data scope, newest first',
    description: 'Filters: status, source, categoryCode (the category and everything under it), overdue, q (number, title or address). Paged.',
    query: caseQuery, response: casePage, errors: [401, 403, 422],
    handler: ({ app, actor, query }) => listCases(app, actor, query),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/cases', permission: { action: 'create', subject: 'Case' }, tag: 'cases',
    summary: 'Report a case (信息采集): numbered, placed in its grid, given its handling limit and started on the case process',
    body: caseInput, response: caseOutput, status: 201, errors: [400, 401, 403, 404, 422],
    handler: ({ app, actor, body }) => createCase(app, actor, body),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/cases/{id}', permission: { action: 'read', subject: 'Case' }, tag: 'cases',
    summary: 'One case with its timeline (every stage with person, time and opinion)',
    params: idParams, response: caseOutput, errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getCase(app, actor, params.id),
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/attachments', permission: { action: 'create', subject: 'Case' }, tag: 'cases',
    summary: 'Upload a photo or document (before linking it to a case or a handling feedback)',
    description: `The body is the file itself (JPEG, PNG, WebP or PDF, at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB); its name goes in the URL-encoded \`X-File-Name\` header. The declared type must match the file's content (else 415).`,
    upload: { maxBytes: MAX_ATTACHMENT_BYTES, contentTypes: ATTACHMENT_TYPES }, response: attachmentOutput, status: 201, errors: [401, 403, 413, 415, 422],
    handler: ({ app, actor, body, req }) => uploadAttachment(app, actor, body as Buffer, String(req.headers['content-type']), req.headers['x-file-name'] as string | undefined),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/attachments/{id}', tag: 'cases', summary: 'Download an attachment (its uploader, or whoever may read its case or inspection task)',
    params: idParams, errors: [401, 404], produces: 'application/octet-stream',
    handler: ({ app, actor, params }) => readAttachment(app, actor, params.id, {
      mayReadCase: (caseId) => mayReadCase(app, actor, caseId), mayReadInspection: (taskId) => mayReadInspection(app, actor, taskId),
    }),
  }),
];

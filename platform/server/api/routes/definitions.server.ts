import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import {
  definitionCreateInput, definitionOutput, definitionPatch, definitionPublishInput, definitionQuery, definitionSummary, definitionVersionsParams,
} from '../../../shared/schemas/definition.ts';
import {
  createDraft, getDefinition, getDefinitionVersions, listDefinitions, publishDefinition, retireDefinition, updateDraft,
} from '../../services/definitions.server.ts';

export const definitionRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/definitions', permission: { action: 'read', subject: 'Definition' }, tag: 'definitions', summary: 'List definitions: the latest version of each (kind, key)',
    query: definitionQuery, response: z.array(definitionSummary), errors: [401, 403, 422],
    handler: ({ app, actor, query }) => listDefinitions(app, actor, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/definitions/{id}', permission: { action: 'read', subject: 'Definition' }, tag: 'definitions', summary: 'Get one definition version with its content',
    params: idParams, response: definitionOutput, errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getDefinition(app, actor, params.id),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/definitions/{kind}/{key}/versions', permission: { action: 'read', subject: 'Definition' }, tag: 'definitions', summary: 'Version history of a definition, newest first',
    params: definitionVersionsParams, response: z.array(definitionSummary), errors: [401, 403, 404, 422],
    handler: ({ app, actor, params }) => getDefinitionVersions(app, actor, params.kind, params.key),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/definitions', permission: { action: 'create', subject: 'Definition' }, tag: 'definitions', summary: 'Create the next version of a definition as a draft',
    description: 'At most one draft exists per (kind, key): a second one is a 409. The content is checked by the kind\'s validator.',
    body: definitionCreateInput, response: definitionOutput, status: 201, errors: [400, 401, 403, 409, 413, 422],
    handler: ({ app, actor, body }) => createDraft(app, actor, body),
  }),
  defineRoute({
    method: 'PATCH', path: '/api/v1/definitions/{id}', permission: { action: 'update', subject: 'Definition' }, tag: 'definitions', summary: 'Edit a draft (optimistic concurrency on expectedUpdatedAt)',
    description: '409 `version_conflict` when expectedUpdatedAt is stale; 409 `immutable` for a published or retired version.',
    params: idParams, body: definitionPatch, response: definitionOutput, errors: [400, 401, 403, 404, 409, 413, 422],
    handler: ({ app, actor, params, body }) => updateDraft(app, actor, params.id, body),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/definitions/{id}/publish', permission: { action: 'publish', subject: 'Definition' }, tag: 'definitions', summary: 'Publish a draft: freeze its content with a checksum',
    params: idParams, body: definitionPublishInput, response: definitionOutput, errors: [400, 401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => publishDefinition(app, actor, params.id, body),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/definitions/{id}/retire', permission: { action: 'publish', subject: 'Definition' }, tag: 'definitions', summary: 'Retire a published version',
    params: idParams, response: definitionOutput, errors: [401, 403, 404, 422],
    handler: ({ app, actor, params }) => retireDefinition(app, actor, params.id),
  }),
];

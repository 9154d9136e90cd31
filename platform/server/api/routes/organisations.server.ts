import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import {
  organisationInput, organisationOutput, organisationPatch, organisationQuery,
} from '../../../shared/schemas/organisation.ts';
import {
  createOrganisation, deleteOrganisation, getOrganisation, listOrganisations, updateOrganisation,
} from '../../services/organisations.server.ts';

export const organisationRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/organisations', permission: { action: 'read', subject: 'Organisation' }, tag: 'organisations', summary: 'List organisations in the caller\'s data scope',
    query: organisationQuery, response: z.array(organisationOutput), errors: [401, 403],
    handler: ({ app, actor, query }) => listOrganisations(app, actor, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/organisations/{id}', permission: { action: 'read', subject: 'Organisation' }, tag: 'organisations', summary: 'Get one organisation',
    params: idParams, response: organisationOutput, errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getOrganisation(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/organisations', permission: { action: 'create', subject: 'Organisation' }, tag: 'organisations', summary: 'Create an organisation, department or responsible unit',
    body: organisationInput, response: organisationOutput, status: 201, errors: [400, 401, 403, 409, 422],
    handler: ({ app, actor, body }) => createOrganisation(app, actor, body),
  }),
  defineRoute({
    method: 'PATCH', path: '/api/v1/organisations/{id}', permission: { action: 'update', subject: 'Organisation' }, tag: 'organisations', summary: 'Update or move an organisation',
    params: idParams, body: organisationPatch, response: organisationOutput, errors: [400, 401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => updateOrganisation(app, actor, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/api/v1/organisations/{id}', permission: { action: 'delete', subject: 'Organisation' }, tag: 'organisations', summary: 'Delete an empty organisation',
    params: idParams, status: 204, errors: [401, 403, 404, 409],
    handler: async ({ app, actor, params }) => { await deleteOrganisation(app, actor, params.id); },
  }),
];

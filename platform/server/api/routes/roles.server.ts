import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import { roleInput, roleOutput, rolePatch } from '../../../shared/schemas/role.ts';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../../services/roles.server.ts';

const RULES = 'Rules name ACTIONS × SUBJECTS; conditions allow only equality, `$eq`, `$ne`, `$in` and `$nin`, and never the fields the data scope applies to.';

export const roleRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/roles', permission: { action: 'read', subject: 'Role' }, tag: 'roles', summary: 'List the city\'s roles',
    response: z.array(roleOutput), errors: [401, 403],
    handler: ({ app, actor }) => listRoles(app, actor),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/roles/{id}', permission: { action: 'read', subject: 'Role' }, tag: 'roles', summary: 'Get one role',
    params: idParams, response: roleOutput, errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getRole(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/roles', permission: { action: 'create', subject: 'Role' }, tag: 'roles', summary: 'Create a role', description: RULES,
    body: roleInput, response: roleOutput, status: 201, errors: [400, 401, 403, 409, 422],
    handler: ({ app, actor, body }) => createRole(app, actor, body),
  }),
  defineRoute({
    method: 'PATCH', path: '/api/v1/roles/{id}', permission: { action: 'update', subject: 'Role' }, tag: 'roles', summary: 'Update a role; holders\' permissions change at once', description: RULES,
    params: idParams, body: rolePatch, response: roleOutput, errors: [400, 401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => updateRole(app, actor, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/api/v1/roles/{id}', permission: { action: 'delete', subject: 'Role' }, tag: 'roles', summary: 'Delete a role nobody holds',
    params: idParams, status: 204, errors: [401, 403, 404, 409],
    handler: async ({ app, actor, params }) => { await deleteRole(app, actor, params.id); },
  }),
];

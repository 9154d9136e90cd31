import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import {
  meOutput, passwordChange, passwordReset, userInput, userOutput, userPage, userPatch, userQuery,
} from '../../../shared/schemas/user.ts';
import {
  changeOwnPassword, createUser, deleteUser, describeMe, getUser, listUsers, resetPassword, unlockUser, updateUser,
} from '../../services/users.server.ts';

const FIELD_RULES = 'Fields the caller\'s roles may not read (CASL field rules, e.g. the inspector role) are omitted; `id` is always present.';

export const userRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/users', permission: { action: 'read', subject: 'User' }, tag: 'users', summary: 'List people in the caller\'s data scope',
    description: `Paged; \`orgId\` and \`position\` filter on memberships, \`q\` matches username or name. ${FIELD_RULES}`,
    query: userQuery, response: userPage, errors: [401, 403, 422],
    handler: ({ app, actor, query }) => listUsers(app, actor, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/users/{id}', permission: { action: 'read', subject: 'User' }, tag: 'users', summary: 'Get one person with memberships and roles',
    description: FIELD_RULES,
    params: idParams, response: userOutput, errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getUser(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/users', permission: { action: 'create', subject: 'User' }, tag: 'users', summary: 'Create a person with memberships, roles and an initial password',
    description: 'Needs `create User` on every membership organisation. Roles other than inspector, handler and districtStaff need `update Role`. Usernames are unique across the deployment (409).',
    body: userInput, response: userOutput, status: 201, errors: [400, 401, 403, 409, 422],
    handler: ({ app, actor, body }) => createUser(app, actor, body),
  }),
  defineRoute({
    method: 'PATCH', path: '/api/v1/users/{id}', permission: { action: 'update', subject: 'User' }, tag: 'users', summary: 'Update a person; memberships and roleIds replace the current lists',
    params: idParams, body: userPatch, response: userOutput, errors: [400, 401, 403, 404, 422],
    handler: ({ app, actor, params, body }) => updateUser(app, actor, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/api/v1/users/{id}', permission: { action: 'delete', subject: 'User' }, tag: 'users', summary: 'Disable a person (people are never deleted)',
    params: idParams, status: 204, errors: [401, 403, 404, 422],
    handler: async ({ app, actor, params }) => { await deleteUser(app, actor, params.id); },
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/users/{id}/reset-password', permission: { action: 'update', subject: 'User' }, tag: 'users', summary: 'Set a new password for a person; their sessions end',
    params: idParams, body: passwordReset, status: 204, errors: [400, 401, 403, 404, 422],
    handler: async ({ app, actor, params, body }) => { await resetPassword(app, actor, params.id, body); },
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/users/{id}/unlock', permission: { action: 'update', subject: 'User' }, tag: 'users', summary: 'Clear a lockout after repeated wrong passwords',
    params: idParams, response: userOutput, errors: [401, 403, 404],
    handler: ({ app, actor, params }) => unlockUser(app, actor, params.id),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/me', tag: 'users', summary: 'The caller: memberships, role codes and permissions',
    response: meOutput, errors: [401],
    handler: ({ actor }) => describeMe(actor),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/me/password', tag: 'users', summary: 'Change one\'s own password',
    description: 'Other sessions of the caller end; the current one stays signed in.',
    body: passwordChange, status: 204, errors: [400, 401, 422],
    handler: async ({ app, actor, body }) => { await changeOwnPassword(app, actor, body); },
  }),
];

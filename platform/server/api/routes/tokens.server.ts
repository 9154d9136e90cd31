import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import { apiTokenInput, apiTokenOutput, apiTokenQuery, issuedApiTokenOutput } from '../../../shared/schemas/token.ts';
import { issueApiToken, listApiTokens, revokeApiToken } from '../../services/api-tokens.server.ts';

export const tokenRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/tokens', tag: 'tokens', summary: 'List unexpired API tokens: one\'s own, or all the caller may read',
    query: apiTokenQuery, response: z.array(apiTokenOutput), errors: [401, 422],
    handler: ({ app, actor, query }) => listApiTokens(app, actor, query),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/tokens', tag: 'tokens', summary: 'Issue a long-lived scoped API token (shown once)',
    description: 'Scopes are `action:Subject` strings and narrow the owner\'s rights. Issuing for another person needs `create ApiToken`.',
    body: apiTokenInput, response: issuedApiTokenOutput, status: 201, errors: [400, 401, 403, 422],
    handler: ({ app, actor, body }) => issueApiToken(app, actor, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/api/v1/tokens/{id}', tag: 'tokens', summary: 'Revoke an API token',
    params: idParams, status: 204, errors: [401, 403, 404],
    handler: async ({ app, actor, params }) => { await revokeApiToken(app, actor, params.id); },
  }),
];

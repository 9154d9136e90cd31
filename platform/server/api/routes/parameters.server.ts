import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { parameterKeyParams, parameterOutput, parameterSetInput } from '../../../shared/schemas/parameter.ts';
import { listParameters, setParameter } from '../../services/parameters.server.ts';

export const parameterRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/parameters', permission: { action: 'read', subject: 'Parameter' }, tag: 'parameters', summary: 'List the known parameters with their values (or defaults) and value schemas',
    response: z.array(parameterOutput), errors: [401, 403],
    handler: ({ app, actor }) => listParameters(app, actor),
  }),
  defineRoute({
    method: 'PUT', path: '/api/v1/parameters/{key}', permission: { action: 'update', subject: 'Parameter' }, tag: 'parameters', summary: 'Set a parameter; the value is checked against the key\'s schema',
    params: parameterKeyParams, body: parameterSetInput, response: parameterOutput, errors: [400, 401, 403, 404, 422],
    handler: ({ app, actor, params, body }) => setParameter(app, actor, params.key, body),
  }),
];

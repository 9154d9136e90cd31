import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import { gridInput, gridOutput, gridPatch, gridQuery, gridResolveQuery } from '../../../shared/schemas/grid.ts';
import { createGrid, deleteGrid, getGrid, listGrids, resolveGrid, updateGrid } from '../../services/grids.server.ts';

export const gridRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/grids', permission: { action: 'read', subject: 'Grid' }, tag: 'grids', summary: 'List unit grids in the caller\'s data scope',
    query: gridQuery, response: z.array(gridOutput), errors: [401, 403, 422],
    handler: ({ app, actor, query }) => listGrids(app, actor, query),
  }),
  // Declared before /grids/{id}: the router takes the first matching path.
  defineRoute({
    method: 'GET', path: '/api/v1/grids/resolve', permission: { action: 'read', subject: 'Grid' }, tag: 'grids', summary: 'Find the unit grid containing a point',
    description: 'WGS-84 longitude/latitude; answers null when no grid in the caller\'s scope contains the point.',
    query: gridResolveQuery, response: gridOutput.nullable(), errors: [401, 403, 422],
    handler: ({ app, actor, query }) => resolveGrid(app, actor, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/grids/{id}', permission: { action: 'read', subject: 'Grid' }, tag: 'grids', summary: 'Get one unit grid',
    params: idParams, response: gridOutput, errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getGrid(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/grids', permission: { action: 'create', subject: 'Grid' }, tag: 'grids', summary: 'Create a unit grid (GeoJSON Polygon)',
    body: gridInput, response: gridOutput, status: 201, errors: [400, 401, 403, 409, 422],
    handler: ({ app, actor, body }) => createGrid(app, actor, body),
  }),
  defineRoute({
    method: 'PATCH', path: '/api/v1/grids/{id}', permission: { action: 'update', subject: 'Grid' }, tag: 'grids', summary: 'Update or reshape a unit grid',
    params: idParams, body: gridPatch, response: gridOutput, errors: [400, 401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => updateGrid(app, actor, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/api/v1/grids/{id}', permission: { action: 'delete', subject: 'Grid' }, tag: 'grids', summary: 'Delete a unit grid no role scope names',
    params: idParams, status: 204, errors: [401, 403, 404, 409],
    handler: async ({ app, actor, params }) => { await deleteGrid(app, actor, params.id); },
  }),
];

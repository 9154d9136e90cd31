import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { codeSchema } from '../../../shared/schemas/common.ts';
import { dictionaryImportInput, dictionaryOutput, dictionaryQuery, dictionarySummary } from '../../../shared/schemas/dictionary-csv.ts';
import { exportDictionaryCsv, getDictionary, importDictionaryCsv, listDictionaries } from '../../services/dictionaries.server.ts';

const keyParams = z.object({ key: codeSchema });

export const dictionaryRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/dictionaries', permission: { action: 'read', subject: 'Dictionary' }, tag: 'dictionaries', summary: 'List dictionaries with their published and draft versions',
    response: z.array(dictionarySummary), errors: [401, 403],
    handler: ({ app, actor }) => listDictionaries(app, actor),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/dictionaries/{key}', permission: { action: 'read', subject: 'Dictionary' }, tag: 'dictionaries', summary: 'Items of the latest published version (or of the draft with ?draft=true), flat and as a tree',
    params: keyParams, query: dictionaryQuery, response: dictionaryOutput, errors: [401, 403, 404, 422],
    handler: ({ app, actor, params, query }) => getDictionary(app, actor, params.key, query),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/dictionaries/{key}/import', permission: { action: 'update', subject: 'Dictionary' }, tag: 'dictionaries', summary: 'Create or replace the draft from CSV',
    description: 'CSV columns code,name,nameEn,parentCode,kind,standardRef. Bad rows answer 422 with fields such as `items.3.parentCode` (index 0 = first data row) and nothing is written. Publish the draft with POST /api/v1/definitions/{id}/publish.',
    params: keyParams, body: dictionaryImportInput, response: dictionaryOutput, errors: [400, 401, 403, 409, 413, 422],
    handler: ({ app, actor, params, body }) => importDictionaryCsv(app, actor, params.key, body),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/dictionaries/{key}/export.csv', permission: { action: 'read', subject: 'Dictionary' }, tag: 'dictionaries', summary: 'Download the dictionary as CSV (UTF-8 with BOM)',
    params: keyParams, query: dictionaryQuery, produces: 'text/csv', errors: [401, 403, 404, 422],
    handler: ({ app, actor, params, query }) => exportDictionaryCsv(app, actor, params.key, query),
  }),
];

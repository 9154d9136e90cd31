import { z } from 'zod';
import { exprTypeSchema } from '@tongguan/runtime/expr/index';
import { defineRoute } from '../define.server.ts';
import { checkExpressionFor } from '../../indicators/expressions.server.ts';

const diagnostic = z.object({
  code: z.string(), severity: z.enum(['error', 'warning']), message: z.string(),
  start: z.number().int(), end: z.number().int(), line: z.number().int(), column: z.number().int(),
});

export const expressionRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/expressions/check', permission: { action: 'read', subject: 'Definition' }, tag: 'expressions',
    summary: 'Check an expression: errors with positions and the inferred type',
    description: 'For the designer\'s formula, condition and rule editors. `variables` types the names in scope (`"number"`, `{"kind":"list","element":"string"}`…). With `indicator: true` the city\'s datasets (`cases`…) are in scope and the formula must also compute in the database. Always 200: `ok` says whether it may be saved; each diagnostic has a code, a message in the caller\'s language and its position (0-based offsets, 1-based line and column).',
    body: z.object({
      expression: z.string().max(10_000),
      variables: z.record(z.string().min(1).max(100), exprTypeSchema).optional(),
      expectedType: exprTypeSchema.optional(),
      indicator: z.boolean().optional(),
    }),
    response: z.object({ ok: z.boolean(), type: z.string(), diagnostics: z.array(diagnostic) }),
    errors: [401, 403, 422],
    handler: ({ app, actor, body }) => checkExpressionFor(app, actor, body),
  }),
];

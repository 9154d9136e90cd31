import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { passwordProvider, insertApiToken } from '../../auth/auth.server.ts';
import { requestMeta } from '../../http/request.server.ts';
import { recordAudit } from '../../audit/audit.server.ts';

const credentials = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

const tokenOutput = z.object({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: z.string(),
});

export const authRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/auth/token', tag: 'auth', public: true,
    summary: 'Exchange username and password for a bearer token (integrators)',
    description: 'Applies the same lockout policy as the browser login. The token expires after API_TOKEN_HOURS.',
    body: credentials, response: tokenOutput, status: 201, errors: [400, 401, 422],
    handler: async ({ app, req, body }) => {
      const meta = requestMeta(req, app.config.trustProxy);
      const user = await passwordProvider.authenticate(app, body, meta);
      const issued = await app.db.transaction(async (tx) => {
        const token = await insertApiToken(app, tx, { id: user.id, tenantId: user.tenantId }, {
          name: 'password-grant', scopes: null, expiresAt: new Date(app.now().getTime() + app.config.apiTokenMs), createdBy: user.id,
        });
        await recordAudit(app.db, tx, {
          tenantId: user.tenantId, actorId: user.id, actorName: user.displayName, action: 'issue_token', objectType: 'apiToken', objectId: token.id,
          after: { name: 'password-grant', expiresAt: token.expiresAt },
        }, meta, app.now());
        return token;
      });
      return { token: issued.token, tokenType: 'Bearer' as const, expiresAt: issued.expiresAt.toISOString() };
    },
  }),
];

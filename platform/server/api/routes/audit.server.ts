import { defineRoute } from '../define.server.ts';
import { auditFilter, auditLogPage, auditQuery } from '../../../shared/schemas/audit.ts';
import { exportAuditCsv, queryAuditLog } from '../../services/audit-log.server.ts';

export const auditRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/audit-logs', permission: { action: 'read', subject: 'AuditLog' }, tag: 'audit', summary: 'Search the audit trail (auditors only), newest first',
    query: auditQuery, response: auditLogPage, errors: [401, 403, 422],
    handler: ({ app, actor, query }) => queryAuditLog(app, actor, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/audit-logs/export.csv', permission: { action: 'export', subject: 'AuditLog' }, tag: 'audit', summary: 'Export the matching audit entries as CSV (UTF-8 with BOM, at most 100 000 rows)',
    description: 'Headers follow Accept-Language. The export is itself audited. `x-truncated: true` when more rows matched.',
    query: auditFilter, produces: 'text/csv', errors: [401, 403, 422],
    handler: ({ app, actor, query }) => exportAuditCsv(app, actor, query),
  }),
];

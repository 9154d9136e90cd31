import { defineRoute } from '../define.server.ts';
import { DOCX_TYPE, exportMonthlyReport, monthlyReportQuery } from '../../indicators/monthly-report.server.ts';

const description = 'From the stored indicator values (compute them first). A district\'s staff get their district\'s report; `district` picks one district within the caller\'s data scope. '
  + 'Labels follow Accept-Language; the file name (Content-Disposition `filename*`, RFC 5987) is Chinese by default. The export is audited.';

export const reportRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/reports/monthly', permission: { action: 'read', subject: 'Indicator' }, tag: 'indicators',
    summary: '月度运行报告: the month\'s operation report (indicator results, case-handling performance, ranking, trend, alarms, data sources, notes) as a Word document',
    description, query: monthlyReportQuery, produces: DOCX_TYPE, errors: [401, 403, 422],
    handler: ({ app, actor, query }) => exportMonthlyReport(app, actor, query),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/reports/monthly', permission: { action: 'read', subject: 'Indicator' }, tag: 'indicators',
    summary: '月度运行报告 with the same parameters in a JSON body: notes of up to 2000 characters outgrow a URL',
    description, body: monthlyReportQuery, produces: DOCX_TYPE, errors: [401, 403, 422],
    handler: ({ app, actor, body }) => exportMonthlyReport(app, actor, body),
  }),
];

import { Card } from 'antd';
import type { Route } from './+types/case-new';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { runIntent } from '../lib/action.server.ts';
import { createCase } from '../../server/services/cases.server.ts';
import { caseDictionaries } from '../../server/services/case-views.server.ts';
import { listGrids } from '../../server/services/grids.server.ts';
import { getParameterValue } from '../../server/services/parameters.server.ts';
import { useT } from '../lib/i18n.tsx';
import { pageTitle } from '../lib/meta.ts';
import { CaseReportForm } from '../components/case-report-form.tsx';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.cases.reportTitle');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'create', 'Case');
  const { app } = context;
  // The grids the person may see, to aim the tap at: the case lands in the grid under the point.
  const grids = actor.principal.ability.can('read', 'Grid')
    ? (await listGrids(app, actor)).map(({ id, code, name, geometry }) => ({ id, code, name, geometry }))
    : [];
  const basemapUrl = await getParameterValue(app, actor.principal.tenantId, 'map.basemapUrl');
  return { codes: await caseDictionaries(app, actor), grids, basemapUrl };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    create: async (payload) => ({ id: (await createCase(context.app, actor, payload)).id }),
  });
}

export default function CaseNew({ loaderData }: Route.ComponentProps) {
  const { codes, grids, basemapUrl } = loaderData;
  const t = useT();
  return (
    <Card title={t('ui.cases.reportTitle')} size="small" style={{ maxWidth: 720 }}>
      <CaseReportForm sources={codes.sources} categories={codes.categories} grids={grids} basemapUrl={basemapUrl} />
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

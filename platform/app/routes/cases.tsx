import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Card } from 'antd';
import { z } from 'zod';
import type { Route } from './+types/cases';
import { requirePermission } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { listCases } from '../../server/services/cases.server.ts';
import { caseDictionaries } from '../../server/services/case-views.server.ts';
import { CASE_STATUSES } from '@tongguan/runtime/cases/case-lifecycle';
import { codeSchema } from '../../shared/schemas/common.ts';
import { readSearch, toSearch } from '../lib/search-params.ts';
import { codeLabels } from '../lib/case-codes.ts';
import { useLocale, useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { pageTitle } from '../lib/meta.ts';
import { CaseFilters, type CaseFilterValues } from '../components/case-filters.tsx';
import { CaseList } from '../components/case-list.tsx';

const PAGE_SIZE = 20;

/** The filters as the URL carries them (the service's query names `category` `categoryCode`). */
const caseSearch = z.object({
  status: z.enum(CASE_STATUSES).optional(),
  source: codeSchema.optional(),
  category: codeSchema.optional(),
  overdue: z.literal('true').optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.cases.menu');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Case');
  const { app } = context;
  const { page, category, ...filters } = readSearch(caseSearch, request.url);
  const { items, total } = await orRespond(actor.locale, () => listCases(app, actor, {
    ...filters, categoryCode: category, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE,
  }));
  const cases = items.map(({ id, caseNumber, title, source, categoryCode, address, status, overdue, dueAt, reportedAt }) => (
    { id, caseNumber, title, source, categoryCode, address, status, overdue, dueAt, reportedAt }
  ));
  return { filters: { ...filters, category }, page, pageSize: PAGE_SIZE, total, cases, statuses: CASE_STATUSES, codes: await caseDictionaries(app, actor) };
}

export default function Cases({ loaderData }: Route.ComponentProps) {
  const { filters, page, pageSize, total, cases, statuses, codes } = loaderData;
  const t = useT();
  const locale = useLocale();
  const { can } = useShell();
  const [, setParams] = useSearchParams();
  const sourceNames = useMemo(() => codeLabels(codes.sources, locale), [codes.sources, locale]);
  const categoryNames = useMemo(() => codeLabels(codes.categories, locale), [codes.categories, locale]);
  const filter = (values: CaseFilterValues) => setParams(toSearch({ ...values }));

  return (
    <Card title={t('ui.cases.menu')} size="small"
      extra={can['create:Case'] ? <Link to="/cases/new"><Button type="primary" data-testid="case-report">{t('ui.cases.report')}</Button></Link> : null}>
      <CaseFilters values={filters} statuses={statuses} sources={codes.sources} categories={codes.categories} onChange={filter} />
      <CaseList cases={cases} sourceNames={sourceNames} categoryNames={categoryNames} page={page} pageSize={pageSize} total={total}
        onPage={(next) => setParams(toSearch({ ...filters, page: next === 1 ? undefined : next }))} />
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

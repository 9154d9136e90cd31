import { Link, useNavigate } from 'react-router';
import { Button, Card, Col, DatePicker, Empty, Row, Segmented, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { Route } from './+types/indicators';
import { requirePermission, requireCsrf } from '../lib/guard.server.ts';
import { orRespond, runIntent } from '../lib/action.server.ts';
import { computeIndicatorsForMonth, indicatorDashboard, type DashboardCard } from '../../server/indicators/indicators.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { useShell } from '../lib/shell-context.tsx';
import { pageTitle } from '../lib/meta.ts';
import { Change, IndicatorValue, TargetTag, formatIndicatorNumber } from '../components/indicator-value.tsx';
import { MonthlyReportButton } from '../components/monthly-report-button.tsx';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.indicators.title');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Indicator');
  const search = new URL(request.url).searchParams;
  return orRespond(actor.locale, () => indicatorDashboard(context.app, actor, { month: search.get('month') ?? undefined, domain: search.get('domain') || undefined }));
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, context, 'update', 'Indicator');
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    compute: async () => ({ value: await computeIndicatorsForMonth(context.app, actor, { month: form.get('month') ?? undefined }) }),
  });
}

/** 良好 / 一般 / 较差 as the card's colour: a left rule and a tag (status is never colour alone). */
const STATUS_COLOURS = { good: '#52c41a', fair: '#faad14', poor: '#ff4d4f' } as const;

function IndicatorCard({ card }: { card: DashboardCard }) {
  const t = useT();
  const status = card.status === 'notComputed' ? <Tag>{t('ui.indicators.notComputed')}</Tag> : <TargetTag meets={card.meetsTarget} />;
  const band = card.statusBand;
  return (
    <Card size="small" data-testid="indicator-card" data-code={card.code} data-status={band ?? 'none'}
      style={band ? { borderLeft: `4px solid ${STATUS_COLOURS[band]}` } : undefined}
      title={<Link to={`/indicators/${encodeURIComponent(card.key)}`}>{card.code} {card.name}</Link>} extra={status}>
      <Space size="small" align="baseline">
        <IndicatorValue value={card.value} unit={card.unit} />
        {band ? <Tag color={STATUS_COLOURS[band]} data-testid="indicator-status">{t(`ui.indicators.statuses.${band}`)}</Tag> : null}
      </Space>
      <div>
        <Space wrap size="small">
          <Change label={t('ui.indicators.previous')} now={card.value} before={card.previous} unit={card.unit} />
          {card.target ? <Typography.Text type="secondary">{t('ui.indicators.target')} {card.target.operator === '>=' ? '≥' : '≤'} {formatIndicatorNumber(card.target.value)}{card.unit ?? ''}</Typography.Text> : null}
        </Space>
      </div>
      {card.regionName ? <Typography.Text type="secondary">{t('ui.indicators.showsRegion', { region: card.regionName })}</Typography.Text> : null}
    </Card>
  );
}

export default function Indicators({ loaderData }: Route.ComponentProps) {
  const { month, domain, domains, cards, groups } = loaderData;
  const t = useT();
  const navigate = useNavigate();
  const { can } = useShell();
  const query = (next: { month?: string; domain?: string | null }) => {
    const params = new URLSearchParams({ month: next.month ?? month });
    const shown = next.domain === undefined ? domain : next.domain;
    if (shown) params.set('domain', shown);
    return `/indicators?${params.toString()}`;
  };
  const compute = useIntent('compute', { successKey: false, onSuccess: () => void navigate(query({}), { replace: true }) });
  // Cards under their second-level group, in code order.
  const sections = groups.filter((g) => g.level === 2).map((group) => ({ group, cards: cards.filter((c) => c.parentCode === group.code) }));
  const ungrouped = cards.filter((c) => !groups.some((g) => g.code === c.parentCode));
  return (
    <Card size="small" title={t('ui.indicators.title')} data-testid="indicators-page"
      extra={(
        <Space wrap>
          <DatePicker picker="month" allowClear={false} value={dayjs(`${month}-01`)} aria-label={t('ui.indicators.month')}
            onChange={(value) => value && void navigate(query({ month: value.format('YYYY-MM') }))} />
          {can['update:Indicator'] ? <Button type="primary" loading={compute.busy} onClick={() => compute.submit(undefined, { month })} data-testid="compute-indicators">{t('ui.indicators.compute')}</Button> : null}
          <MonthlyReportButton month={month} indicators={cards} />
        </Space>
      )}>
      {domains.length > 1 ? (
        <Segmented style={{ marginBottom: 12, maxWidth: '100%', overflowX: 'auto' }} data-testid="indicator-domains" value={domain ?? 'all'}
          options={[{ value: 'all', label: t('ui.indicators.allDomains') }, ...domains.map((d) => ({ value: d, label: t(`ui.indicators.domains.${d}`) }))]}
          onChange={(value) => void navigate(query({ domain: value === 'all' ? null : String(value) }))} />
      ) : null}
      {cards.length === 0 ? <Empty description={t('ui.indicators.empty')} /> : null}
      {[...sections, ...(ungrouped.length ? [{ group: undefined, cards: ungrouped }] : [])].map(({ group, cards: shown }) => (
        <div key={group?.code ?? 'other'} style={{ marginBottom: 16 }}>
          {group ? <Typography.Title level={5}>{group.code} {group.name}</Typography.Title> : null}
          <Row gutter={[12, 12]}>
            {shown.map((card) => <Col key={card.key} xs={24} sm={12} lg={8} xxl={6}><IndicatorCard card={card} /></Col>)}
          </Row>
        </div>
      ))}
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

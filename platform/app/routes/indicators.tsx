import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Card, Col, DatePicker, Empty, Row, Segmented, Select, Space, Tag, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import dayjs from 'dayjs';
import type { Route } from './+types/indicators';
import { requirePermission, requireCsrf } from '../lib/guard.server.ts';
import { orRespond, runIntent } from '../lib/action.server.ts';
import { computeIndicatorsForMonth, gridsByDistrict, indicatorDashboard, type DashboardCard } from '../../server/indicators/indicators.server.ts';
import { getParameterValue } from '../../server/services/parameters.server.ts';
import { rankRegions } from '@tongguan/runtime/indicators/ranking';
import { IndicatorChoropleth } from '../components/indicator-choropleth.tsx';
import { EChart } from '../components/echart.tsx';
import { Sparkline } from '../components/sparkline.tsx';
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
  return orRespond(actor.locale, async () => ({
    ...(await indicatorDashboard(context.app, actor, { month: search.get('month') ?? undefined, domain: search.get('domain') || undefined })),
    grids: await gridsByDistrict(context.app, actor),
    basemapUrl: await getParameterValue(context.app, actor.principal.tenantId, 'map.basemapUrl'),
  }));
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
          <Change label={t('ui.indicators.lastYear')} now={card.value} before={card.lastYear} unit={card.unit} />
          {card.target ? <Typography.Text type="secondary">{t('ui.indicators.target')} {card.target.operator === '>=' ? '≥' : '≤'} {formatIndicatorNumber(card.target.value)}{card.unit ?? ''}</Typography.Text> : null}
        </Space>
      </div>
      <Sparkline points={card.trend} unit={card.unit} testId="indicator-trend" />
      {card.regionName ? <Typography.Text type="secondary">{t('ui.indicators.showsRegion', { region: card.regionName })}</Typography.Text> : null}
    </Card>
  );
}

/** 区县分布: one indicator's districts on the map and ranked best first (its own direction). */
function DistrictPanel({ cards, grids, basemapUrl }: { cards: DashboardCard[]; grids: Route.ComponentProps['loaderData']['grids']; basemapUrl: string | null }) {
  const t = useT();
  const withDistricts = cards.filter((card) => card.districts.some((d) => d.value !== null));
  const [chosen, setChosen] = useState<string | undefined>();
  const card = withDistricts.find((c) => c.key === chosen) ?? withDistricts[0];
  const ranked = useMemo(() => (card ? rankRegions(card.districts, card) : []), [card]);
  const option = useMemo<EChartsOption>(() => ({
    grid: { left: 96, right: 24, top: 8, bottom: 24 },
    tooltip: {},
    xAxis: { type: 'value', name: card?.unit ?? '' },
    yAxis: { type: 'category', inverse: true, data: ranked.map((d) => `${d.rank ?? '—'}. ${d.regionName ?? ''}`) },
    series: [{ type: 'bar', data: ranked.map((d) => d.value) }],
  }), [ranked, card]);
  if (!card) return null;
  return (
    <Card size="small" title={t('ui.indicators.districtPanel')} data-testid="indicator-district-panel"
      extra={<Select size="small" style={{ minWidth: 220, maxWidth: '60vw' }} value={card.key} onChange={setChosen} data-testid="district-panel-indicator"
        options={withDistricts.map((c) => ({ value: c.key, label: `${c.code} ${c.name}` }))} />}>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={14}>{grids.length ? <IndicatorChoropleth grids={grids} values={card.districts} unit={card.unit} basemapUrl={basemapUrl} /> : null}</Col>
        <Col xs={24} lg={10}><EChart option={option} height={Math.max(160, ranked.length * 36)} testId="district-panel-ranking" /></Col>
      </Row>
    </Card>
  );
}

export default function Indicators({ loaderData }: Route.ComponentProps) {
  const { month, domain, domains, cards, groups, grids, basemapUrl } = loaderData;
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
      <div style={{ marginBottom: 16 }}><DistrictPanel cards={cards} grids={grids} basemapUrl={basemapUrl} /></div>
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

import { useMemo } from 'react';
import { Link } from 'react-router';
import { Card, Descriptions, Empty, Space, Table, Tag, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import type { Route } from './+types/indicator';
import { requirePermission } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { gridsByDistrict, indicatorDetail, type IndicatorValueOutput } from '../../server/indicators/indicators.server.ts';
import { getParameterValue } from '../../server/services/parameters.server.ts';
import { IndicatorChoropleth } from '../components/indicator-choropleth.tsx';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { pageTitle } from '../lib/meta.ts';
import { EChart } from '../components/echart.tsx';
import { Change, IndicatorValue, formatIndicatorNumber } from '../components/indicator-value.tsx';
import { rankRegions } from '@tongguan/runtime/indicators/ranking';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.indicators.title');

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Indicator');
  return orRespond(actor.locale, async () => ({
    ...(await indicatorDetail(context.app, actor, params.key)),
    grids: await gridsByDistrict(context.app, actor),
    basemapUrl: await getParameterValue(context.app, actor.principal.tenantId, 'map.basemapUrl'),
  }));
}

export default function Indicator({ loaderData }: Route.ComponentProps) {
  const { indicator, values, grids, basemapUrl } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const ownLevel = values.some((v) => v.regionLevel === 'city') ? 'city' : 'district';
  const headline = values.find((v) => v.regionLevel === ownLevel);
  const latestPeriod = headline?.period;
  // Best first in the indicator's own direction (延期率 and the like: lower is better).
  const districts = rankRegions(values.filter((v) => v.regionLevel === 'district' && v.period === latestPeriod), indicator);
  const units = rankRegions(values.filter((v) => v.regionLevel === 'unit' && v.period === latestPeriod), indicator);
  const history = values.filter((v) => v.regionLevel === ownLevel && v.regionId === (headline?.regionId ?? null)).reverse();
  const historyChart = useMemo<EChartsOption>(() => ({
    grid: { left: 48, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: history.map((v) => v.period) },
    yAxis: { type: 'value', name: indicator.unit ?? '' },
    series: [{ type: 'line', name: indicator.name, data: history.map((v) => v.value), connectNulls: false }],
  }), [history, indicator]);
  const rankingChart = useMemo<EChartsOption>(() => ({
    grid: { left: 96, right: 24, top: 16, bottom: 24 },
    tooltip: {},
    xAxis: { type: 'value', name: indicator.unit ?? '' },
    yAxis: { type: 'category', inverse: true, data: districts.map((v) => v.regionName ?? v.regionId ?? '') },
    series: [{ type: 'bar', data: districts.map((v) => v.value) }],
  }), [districts, indicator]);
  const basisValue = (key: string) => (headline ? headline.inputs[key] ?? null : null);
  // An inspection item is shown as points passed / inspected.
  const basisText = (item: { key: string; source: string }) => (item.source === 'inspection'
    ? `${formatIndicatorNumber(basisValue(`${item.key}.passed`))} / ${formatIndicatorNumber(basisValue(`${item.key}.total`))}`
    : formatIndicatorNumber(basisValue(item.key)));
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="indicator-page">
      <Card size="small" title={`${indicator.code} ${indicator.name}`} extra={<Link to="/indicators">{t('ui.indicators.backToDashboard')}</Link>}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 'value', label: `${t('ui.indicators.value')}（${headline?.period ?? '—'}）`, children: <IndicatorValue value={headline?.value ?? null} unit={indicator.unit} /> },
          { key: 'change', label: `${t('ui.indicators.previous')} / ${t('ui.indicators.lastYear')}`, children: <Space><Change label={t('ui.indicators.previous')} now={headline?.value ?? null} before={headline?.previous ?? null} unit={indicator.unit} /><Change label={t('ui.indicators.lastYear')} now={headline?.value ?? null} before={headline?.lastYear ?? null} unit={indicator.unit} /></Space> },
          { key: 'target', label: t('ui.indicators.target'), children: indicator.target ? `${indicator.target.operator === '>=' ? '≥' : '≤'} ${formatIndicatorNumber(indicator.target.value)}${indicator.unit ?? ''}` : '—' },
          { key: 'collection', label: t('ui.indicators.period'), children: <Space><Tag>{t(`ui.indicators.collection.${indicator.collection}`)}</Tag>{indicator.period}</Space> },
          { key: 'computedAt', label: t('ui.indicators.computedAt'), children: headline ? dateTime(headline.computedAt) : t('ui.indicators.notComputed') },
          { key: 'version', label: t('ui.indicators.version'), children: `v${headline?.definitionVersion ?? indicator.version}` },
        ]} />
      </Card>
      <Card size="small" title={t('ui.indicators.explanation')}>
        <Typography.Paragraph><Typography.Text strong>{t('ui.indicators.formula')}：</Typography.Text><Typography.Text code data-testid="indicator-formula">{indicator.formula ?? '—'}</Typography.Text></Typography.Paragraph>
        <Table size="small" rowKey="key" pagination={false} scroll={{ x: true }} dataSource={indicator.basis} data-testid="indicator-basis" columns={[
          { title: t('ui.indicators.basisKey'), key: 'name', render: (_, item) => <span>{item.name} <Typography.Text type="secondary">({item.key})</Typography.Text></span> },
          { title: t('ui.indicators.basisSource'), key: 'source', render: (_, item) => t(`ui.indicators.sources.${item.source}`) },
          { title: t('ui.indicators.formula'), key: 'formula', render: (_, item) => (item.formula ? <Typography.Text code style={{ whiteSpace: 'normal' }}>{item.formula}</Typography.Text> : '—') },
          { title: t('ui.indicators.value'), key: 'value', render: (_, item) => <span data-testid={`basis-${item.key}`}>{basisText(item)}</span> },
        ]} />
      </Card>
      <Card size="small" title={t('ui.indicators.history')}>
        {history.length ? <EChart option={historyChart} testId="indicator-history" /> : <Empty description={t('ui.indicators.notComputed')} />}
      </Card>
      {districts.length ? (
        <Card size="small" title={`${t('ui.indicators.ranking')}（${latestPeriod}）`}>
          {grids.length ? <IndicatorChoropleth grids={grids} values={districts} unit={indicator.unit} basemapUrl={basemapUrl} /> : null}
          <EChart option={rankingChart} height={Math.max(160, districts.length * 36)} testId="indicator-ranking" />
          <Table<IndicatorValueOutput & { rank: number | null }> size="small" rowKey={(v) => v.regionId ?? 'city'} pagination={false} dataSource={districts} data-testid="indicator-districts" columns={[
            { title: '#', key: 'rank', width: 48, render: (_, v) => v.rank ?? '—' },
            { title: t('ui.indicators.region'), key: 'region', render: (_, v) => v.regionName ?? '—' },
            { title: t('ui.indicators.value'), key: 'value', render: (_, v) => <IndicatorValue value={v.value} unit={indicator.unit} size="small" /> },
          ]} />
        </Card>
      ) : null}
      {units.length ? (
        <Card size="small" title={`${t('ui.indicators.unitRanking')}（${latestPeriod}）`}>
          <Table<IndicatorValueOutput & { rank: number | null }> size="small" rowKey={(v) => v.regionId ?? 'unit'} pagination={{ pageSize: 20, hideOnSinglePage: true }} dataSource={units} data-testid="indicator-units" columns={[
            { title: '#', key: 'rank', width: 48, render: (_, v) => v.rank ?? '—' },
            { title: t('ui.indicators.unitName'), key: 'region', render: (_, v) => v.regionName ?? '—' },
            { title: t('ui.indicators.value'), key: 'value', render: (_, v) => <IndicatorValue value={v.value} unit={indicator.unit} size="small" /> },
          ]} />
        </Card>
      ) : null}
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { Card, DatePicker, Empty, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { EChartsOption } from 'echarts';
import type { Route } from './+types/evaluation';
import { requirePermission } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { evaluationResults, type EvaluationResult } from '../../server/indicators/evaluation.server.ts';
import { useT } from '../lib/i18n.tsx';
import { pageTitle } from '../lib/meta.ts';
import { EChart } from '../components/echart.tsx';
import { formatIndicatorNumber } from '../components/indicator-value.tsx';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.evaluation.title');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Indicator');
  const month = new URL(request.url).searchParams.get('month') ?? undefined;
  return orRespond(actor.locale, () => evaluationResults(context.app, actor, { month }));
}

type District = EvaluationResult['districts'][number];

export default function Evaluation({ loaderData }: Route.ComponentProps) {
  const { month, maxScore, indicators, districts } = loaderData;
  const t = useT();
  const navigate = useNavigate();
  const chart = useMemo<EChartsOption>(() => ({
    grid: { left: 96, right: 24, top: 16, bottom: 24 },
    tooltip: {},
    xAxis: { type: 'value', max: maxScore || undefined },
    yAxis: { type: 'category', inverse: true, data: districts.map((d) => d.name) },
    series: [{ type: 'bar', data: districts.map((d) => d.total) }],
  }), [districts, maxScore]);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="evaluation-page">
      <Card size="small" title={t('ui.evaluation.title')} extra={(
        <DatePicker picker="month" allowClear={false} value={dayjs(`${month}-01`)} aria-label={t('ui.evaluation.month')}
          onChange={(value) => value && void navigate(`/evaluation?month=${value.format('YYYY-MM')}`)} />
      )}>
        {indicators.length === 0 ? <Empty description={t('ui.evaluation.empty')} /> : (
          <Table<District> size="small" rowKey="regionId" pagination={false} scroll={{ x: true }} dataSource={districts} data-testid="evaluation-table" columns={[
            { title: t('ui.evaluation.rank'), dataIndex: 'rank', width: 64, fixed: 'left' },
            { title: t('ui.evaluation.district'), dataIndex: 'name', fixed: 'left' },
            { title: <span>{t('ui.evaluation.total')} <Typography.Text type="secondary">{t('ui.evaluation.of', { max: maxScore })}</Typography.Text></span>, key: 'total', render: (_, d) => <Typography.Text strong data-testid="evaluation-total">{formatIndicatorNumber(d.total)}</Typography.Text> },
            ...indicators.map((indicator) => ({
              title: <Link to={`/indicators/${encodeURIComponent(indicator.key)}`}>{indicator.code} {indicator.name}（{indicator.score}）</Link>,
              key: indicator.key,
              render: (_: unknown, d: District) => {
                const cell = d.byIndicator[indicator.key];
                if (!cell || cell.value === null) return <Tag>{t('ui.evaluation.missing')}</Tag>;
                return <span>{formatIndicatorNumber(cell.earned)} <Typography.Text type="secondary">({formatIndicatorNumber(cell.value)}{indicator.unit ?? ''})</Typography.Text></span>;
              },
            })),
          ]} />
        )}
      </Card>
      {districts.length && indicators.length ? <Card size="small" title={t('ui.evaluation.chart')}><EChart option={chart} height={Math.max(160, districts.length * 36)} testId="evaluation-chart" /></Card> : null}
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

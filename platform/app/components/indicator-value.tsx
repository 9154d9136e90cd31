/** How an indicator value reads: 1 decimal for rates, whole numbers as they are, 暂无数据 for no data. */
import { Tag, Typography } from 'antd';
import { useT } from '../lib/i18n.tsx';

export function formatIndicatorNumber(value: number | null): string {
  if (value === null) return '—';
  return value.toLocaleString('zh-CN', { maximumFractionDigits: 1 });
}

export function IndicatorValue({ value, unit, size = 'large' }: { value: number | null; unit: string | null; size?: 'large' | 'small' }) {
  const t = useT();
  if (value === null) return <Typography.Text type="secondary" data-testid="indicator-value">{t('ui.indicators.noData')}</Typography.Text>;
  return (
    <span data-testid="indicator-value">
      <Typography.Text strong style={{ fontSize: size === 'large' ? 28 : undefined }}>{formatIndicatorNumber(value)}</Typography.Text>
      {unit ? <Typography.Text type="secondary"> {unit}</Typography.Text> : null}
    </span>
  );
}

export function TargetTag({ meets }: { meets: boolean | null }) {
  const t = useT();
  if (meets === null) return null;
  return <Tag color={meets ? 'green' : 'red'}>{t(meets ? 'ui.indicators.met' : 'ui.indicators.missed')}</Tag>;
}

/** Change against an earlier value, in the indicator's unit (percentage points for %). */
export function Change({ label, now, before, unit }: { label: string; now: number | null; before: number | null; unit: string | null }) {
  if (now === null || before === null) return <Typography.Text type="secondary">{label} —</Typography.Text>;
  const delta = now - before;
  const arrow = delta > 0 ? '↑' : delta < 0 ? '↓' : '→';
  return <Typography.Text type="secondary">{label} {arrow} {formatIndicatorNumber(Math.abs(delta))}{unit === '%' ? ' pp' : ''}</Typography.Text>;
}

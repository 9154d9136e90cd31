/**
 * Districts coloured by an indicator's value (分区着色): each grid takes its district's colour, so
 * the districts show as areas; five classes from light to dark between the lowest and highest
 * value, grey for no data, and a legend. Grid geometry comes from the seeds: no internet needed.
 */
import { useMemo } from 'react';
import { Space, Typography } from 'antd';
import { GridMap, type MapGrid } from './grid-map.tsx';
import { formatIndicatorNumber } from './indicator-value.tsx';
import { useT } from '../lib/i18n.tsx';

const CLASSES = ['#deebf7', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const NO_DATA = '#d9d9d9';

interface Props {
  grids: readonly (MapGrid & { districtId: string | null })[];
  values: readonly { regionId: string | null; regionName: string | null; value: number | null }[];
  unit: string | null;
  basemapUrl?: string | null;
}

export function IndicatorChoropleth({ grids, values, unit, basemapUrl }: Props) {
  const t = useT();
  const { fills, bounds } = useMemo(() => {
    const byDistrict = new Map(values.map((v) => [v.regionId, v]));
    const numbers = values.map((v) => v.value).filter((v): v is number => v !== null);
    const min = Math.min(...numbers);
    const max = Math.max(...numbers);
    const classOf = (value: number) => (max === min ? CLASSES.length - 1 : Math.min(CLASSES.length - 1, Math.floor(((value - min) / (max - min)) * CLASSES.length)));
    const out: Record<string, { color: string; text: string }> = {};
    for (const grid of grids) {
      const district = grid.districtId ? byDistrict.get(grid.districtId) : undefined;
      if (!district) continue;
      const value = district.value;
      out[grid.id] = {
        color: value === null ? NO_DATA : CLASSES[classOf(value)]!,
        text: `${district.regionName ?? ''}：${value === null ? t('ui.indicators.noData') : `${formatIndicatorNumber(value)}${unit ?? ''}`}`,
      };
    }
    return { fills: out, bounds: numbers.length ? { min, max } : undefined };
  }, [grids, values, unit, t]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <GridMap grids={grids} fills={fills} basemapUrl={basemapUrl} height={320} />
      <Space wrap size="small" data-testid="choropleth-legend">
        {bounds ? CLASSES.map((color, i) => {
          const from = bounds.min + ((bounds.max - bounds.min) * i) / CLASSES.length;
          return <span key={color}><span style={{ display: 'inline-block', width: 14, height: 10, background: color, marginRight: 4 }} />{formatIndicatorNumber(from)}</span>;
        }) : null}
        <span><span style={{ display: 'inline-block', width: 14, height: 10, background: NO_DATA, marginRight: 4 }} /><Typography.Text type="secondary">{t('ui.indicators.noData')}</Typography.Text></span>
      </Space>
    </Space>
  );
}

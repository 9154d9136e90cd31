/** Twelve month calendars of a year: holidays red, 调休 make-up working days blue, weekends grey. */
import { Calendar, Card, Col, Row, Tooltip } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { useT } from '../lib/i18n.tsx';

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'workday';
  name: string | null;
}

interface Props {
  year: number;
  days: readonly CalendarDay[];
  weekendDays: readonly number[];
  onPick?: (date: string) => void;
}

const COLORS = { holiday: { background: '#fff1f0', color: '#cf1322', border: '#ffa39e' }, workday: { background: '#e6f4ff', color: '#0958d9', border: '#91caff' } };

export function YearCalendar({ year, days, weekendDays, onPick }: Props) {
  const t = useT();
  const byDate = useMemo(() => new Map(days.map((d) => [d.date, d])), [days]);
  return (
    <Row gutter={[12, 12]} data-testid="year-calendar">
      {Array.from({ length: 12 }, (_, month) => {
        const first = dayjs(new Date(year, month, 1));
        const cell = (date: Dayjs) => {
          if (date.month() !== month) return <div style={{ height: 24 }} />;
          const key = date.format('YYYY-MM-DD');
          const special = byDate.get(key);
          const weekend = weekendDays.includes(date.day());
          const colors = special ? COLORS[special.kind] : undefined;
          const box = (
            <div data-date={key} style={{
              height: 24, lineHeight: '22px', margin: '0 2px', borderRadius: 4, textAlign: 'center',
              border: `1px solid ${colors?.border ?? 'transparent'}`, background: colors?.background,
              color: colors?.color ?? (weekend ? '#bfbfbf' : undefined), cursor: onPick ? 'pointer' : 'default',
            }}>
              {date.date()}
            </div>
          );
          return special ? <Tooltip title={`${special.name ?? ''} ${t(`ui.calendar.kinds.${special.kind}`)}`}>{box}</Tooltip> : box;
        };
        return (
          <Col key={month} xs={24} sm={12} lg={8} xxl={6}>
            <Card size="small" title={first.format(t('ui.calendar.monthFormat'))} styles={{ body: { padding: 4 } }}>
              <Calendar
                fullscreen={false}
                value={first}
                headerRender={() => null}
                fullCellRender={(date, info) => (info.type === 'date' ? cell(date) : info.originNode)}
                onSelect={(date, { source }) => { if (source === 'date' && date.month() === month) onPick?.(date.format('YYYY-MM-DD')); }}
              />
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}

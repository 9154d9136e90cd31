import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { z } from 'zod';
import type { Route } from './+types/calendar';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { runIntent } from '../lib/action.server.ts';
import { computeDeadline, deleteCalendarDay, getCalendar, setCalendarDay } from '../../server/services/calendar.server.ts';
import { parseInput } from '../../server/errors.server.ts';
import { calendarDateParams } from '../../shared/schemas/calendar.ts';
import { readSearch } from '../lib/search-params.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { pageTitle } from '../lib/meta.ts';
import { YearCalendar } from '../components/year-calendar.tsx';
import { DayModal } from '../components/day-modal.tsx';
import { DeadlinePreview } from '../components/deadline-preview.tsx';

/** Day names by JavaScript's day number (0 = Sunday), as the weekendDays parameter counts. */
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const calendarFilters = z.object({ year: z.coerce.number().int().min(1970).max(2100).optional() });

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.calendar');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Calendar');
  const { year } = readSearch(calendarFilters, request.url);
  return getCalendar(context.app, actor, { year: year ?? context.app.now().getFullYear() });
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  const { app } = context;
  return runIntent(actor, form, {
    setDay: async (payload) => { await setCalendarDay(app, actor, payload); },
    clearDay: async () => { await deleteCalendarDay(app, actor, parseInput(calendarDateParams, { date: form.get('date') }).date); },
    deadline: async (payload) => ({ value: await computeDeadline(app, actor, payload) }),
  });
}

export default function CalendarPage({ loaderData }: Route.ComponentProps) {
  const { year, days, workingTime } = loaderData;
  const t = useT();
  const { can } = useShell();
  const [, setParams] = useSearchParams();
  const [picked, setPicked] = useState<string | null>(null);
  const weekdays = WEEKDAYS.map((d) => t(`ui.calendar.weekdays.${d}`));
  const count = (kind: 'holiday' | 'workday') => days.filter((d) => d.kind === kind).length;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={t('ui.calendar.workingTime')}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }} items={[
          { key: 'periods', label: t('ui.calendar.periods'), children: <span data-testid="working-periods">{workingTime.workingPeriods.map((p) => `${p.start}–${p.end}`).join('、')}</span> },
          { key: 'weekend', label: t('ui.calendar.weekend'), children: [...workingTime.weekendDays].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((d) => weekdays[d]).join('、') || '—' },
          { key: 'zone', label: t('ui.calendar.timeZone'), children: workingTime.timeZone },
        ]} />
        <Typography.Text type="secondary">{t('ui.calendar.workingTimeHint')}</Typography.Text>
      </Card>
      <Card size="small" title={t('ui.calendar.deadlinePreview')}>
        <DeadlinePreview />
      </Card>
      <Card
        size="small"
        title={
          <Space wrap>
            <Button size="small" onClick={() => setParams({ year: String(year - 1) })} aria-label={t('ui.calendar.prevYear')}>‹</Button>
            <span data-testid="calendar-year">{t('ui.calendar.year', { year })}</span>
            <Button size="small" onClick={() => setParams({ year: String(year + 1) })} aria-label={t('ui.calendar.nextYear')}>›</Button>
          </Space>
        }
        extra={
          <Space wrap size={4}>
            <Tag color="red">{t('ui.calendar.kinds.holiday')} {count('holiday')}</Tag>
            <Tag color="blue">{t('ui.calendar.kinds.workday')} {count('workday')}</Tag>
          </Space>
        }
      >
        {can['update:Calendar'] ? <Typography.Paragraph type="secondary">{t('ui.calendar.clickHint')}</Typography.Paragraph> : null}
        <YearCalendar year={year} days={days} weekendDays={workingTime.weekendDays} onPick={can['update:Calendar'] ? setPicked : undefined} />
      </Card>
      <DayModal date={picked} current={days.find((d) => d.date === picked)} onClose={() => setPicked(null)} />
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

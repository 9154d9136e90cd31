/**
 * How late an open task is, in plain elapsed time (not working hours: the due time itself was
 * already computed on the working calendar when the task was created).
 */
export interface Span {
  days: number;
  hours: number;
  minutes: number;
}

const MINUTE = 60_000;

/** Time past `dueAt` at `now`, or null when there is no due time or it has not passed. */
export function overdueSpan(dueAt: string | null | undefined, now: string | number | Date): Span | null {
  if (!dueAt) return null;
  const late = new Date(now).getTime() - new Date(dueAt).getTime();
  if (!(late > 0)) return null;
  const minutes = Math.floor(late / MINUTE);
  return { days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 };
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The two largest non-zero units, e.g. "2天3小时" / "2 d 3 h"; under a minute says so. */
export function spanText(t: Translate, span: Span): string {
  const parts = ([['days', span.days], ['hours', span.hours], ['minutes', span.minutes]] as const)
    .filter(([, n]) => n > 0)
    .map(([unit, n]) => t(`ui.workflow.span.${unit}`, { n }));
  if (parts.length === 0) return t('ui.workflow.span.underMinute');
  return parts.length === 1 ? parts[0] : t('ui.workflow.span.pair', { a: parts[0], b: parts[1] });
}

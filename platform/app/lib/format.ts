/**
 * Display formats Chinese users expect (YYYY-MM-DD HH:mm). Times are shown, and typed, in the
 * city's time zone (the working calendar's), not the browser's or the server's: everyone sees
 * the same clock, and the server-rendered text equals the hydrated text.
 */
import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import { useShell } from './shell-context.tsx';

dayjs.extend(utc);
dayjs.extend(timezone);

type Instant = string | Date | null | undefined;

export function formatDateTime(value: Instant, timeZone: string): string {
  return value ? dayjs(value).tz(timeZone).format('YYYY-MM-DD HH:mm') : '—';
}

/** Formatters in the city's time zone. */
export function useDateFormat() {
  const { timeZone } = useShell();
  return {
    timeZone,
    dateTime: (value: Instant) => formatDateTime(value, timeZone),
    /** An instant as a picker value: the wall-clock time in the city's zone. */
    toPicker: (value: Instant): Dayjs | null => (value ? dayjs(dayjs(value).tz(timeZone).format('YYYY-MM-DDTHH:mm:ss')) : null),
    /** A picker value (wall-clock time in the city's zone) as an ISO instant with offset. */
    fromPicker: (value: Dayjs | null | undefined): string | undefined => (value ? dayjs.tz(value.format('YYYY-MM-DDTHH:mm:ss'), timeZone).format() : undefined),
  };
}

/** JSON for display: stable two-space indentation, `—` for nothing. */
export function formatJson(value: unknown): string {
  return value === undefined || value === null ? '—' : JSON.stringify(value, null, 2);
}

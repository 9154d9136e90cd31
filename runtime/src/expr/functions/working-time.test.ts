import { describe, expect, it } from 'vitest';
import { createWorkingCalendar, type WorkingCalendarConfigInput } from '../../calendar/working-calendar.ts';
import { PlainDate } from '../values.ts';
import { failure, run } from './test-support.ts';

const at = (iso: string) => new Date(iso);

// Test fixture only: holiday data is seed data (2025 National Day: 10-01..10-08 off; Sunday 09-28
// and Saturday 10-11 are 调休 make-up working days).
const nationalDay2025: WorkingCalendarConfigInput = {
  workingPeriods: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  exceptions: [
    { date: '2025-09-28', kind: 'workday', name: '国庆节调休' },
    ...['01', '02', '03', '04', '05', '06', '07', '08'].map((day) => ({ date: `2025-10-${day}`, kind: 'holiday' as const, name: '国庆节、中秋节' })),
    { date: '2025-10-11', kind: 'workday', name: '国庆节调休' },
  ],
};
const calendar = createWorkingCalendar(nationalDay2025);

const withCalendar = (now: string) => ({ now: () => at(now), calendar });

describe('given a working calendar with the 2025 National Day holiday and 调休 weekend workdays', () => {
  it('when a 3-working-hour deadline starts at 16:30 on 09-30, then it resumes after the holiday at 11:00 on 10-09', () => {
    expect(run('ADD_WORKING_HOURS(NOW(), 3)', {}, withCalendar('2025-09-30T16:30+08:00'))).toEqual(at('2025-10-09T11:00+08:00'));
  });

  it('when the hours are a duration literal, then they count the same as a number', () => {
    expect(run('ADD_WORKING_HOURS(NOW(), 3h)', {}, withCalendar('2025-09-30T16:30+08:00'))).toEqual(at('2025-10-09T11:00+08:00'));
  });

  it('when a deadline starts on Friday 09-26 at 17:00, then it continues on the 调休 Sunday 09-28', () => {
    expect(run('ADD_WORKING_HOURS(NOW(), 1)', {}, withCalendar('2025-09-26T17:00+08:00'))).toEqual(at('2025-09-28T09:30+08:00'));
  });

  it('when the start datetime is a process variable in ISO text, then it is accepted', () => {
    expect(run('ADD_WORKING_HOURS(reportedAt, 2)', { reportedAt: '2025-03-04T03:00:00.000Z' }, withCalendar('2025-03-04T00:00Z'))).toEqual(
      at('2025-03-04T14:30+08:00'),
    );
  });

  it('when working days are added across the holiday, then holidays are skipped and 调休 days count', () => {
    expect(run('ADD_WORKING_DAYS(DATE(2025, 9, 30), 1)', {}, withCalendar('2025-09-30T09:00+08:00'))).toEqual(new PlainDate('2025-10-09'));
    expect(run('ADD_WORKING_DAYS(DATE(2025, 9, 26), 1)', {}, withCalendar('2025-09-30T09:00+08:00'))).toEqual(new PlainDate('2025-09-28'));
    expect(run('ADD_WORKING_DAYS(TODAY(), -1)', {}, withCalendar('2025-10-09T09:00+08:00'))).toEqual(new PlainDate('2025-09-30'));
  });

  it('when ADD_WORKING_DAYS gets a datetime, then its calendar date is used', () => {
    expect(run('ADD_WORKING_DAYS(NOW(), 1)', {}, withCalendar('2025-09-30T23:30+08:00'))).toEqual(new PlainDate('2025-10-09'));
  });

  it('when asked about days, then holidays are off and 调休 weekend days are working days', () => {
    const context = withCalendar('2025-10-01T09:00+08:00');
    expect(run('IS_WORKING_DAY(DATE(2025, 10, 1))', {}, context)).toBe(false);
    expect(run('IS_WORKING_DAY(DATE(2025, 9, 28))', {}, context)).toBe(true);
    expect(run('IS_WORKING_DAY(DATE(2025, 10, 11))', {}, context)).toBe(true);
    expect(run('IS_WORKING_DAY(DATE(2025, 10, 12))', {}, context)).toBe(false);
    expect(run('IS_WORKING_DAY(TODAY())', {}, context)).toBe(false);
    expect(run('IS_WORKING_DAY("2025-10-09")', {}, context)).toBe(true);
  });

  it('when asked about an instant, then only working periods count as working time', () => {
    expect(run('IS_WORKING_TIME(NOW())', {}, withCalendar('2025-09-30T10:00+08:00'))).toBe(true);
    expect(run('IS_WORKING_TIME(NOW())', {}, withCalendar('2025-09-30T12:30+08:00'))).toBe(false);
  });

  it('when measuring from 09-30 16:30 to 10-09 11:00, then three working hours have elapsed', () => {
    expect(run('WORKING_HOURS_BETWEEN(DATETIME("2025-09-30T16:30"), NOW())', {}, withCalendar('2025-10-09T11:00+08:00'))).toBe(3);
  });

  it('when the deadline has passed, then the working hours from now to it are negative (overdue)', () => {
    expect(run('WORKING_HOURS_BETWEEN(NOW(), dueAt)', { dueAt: '2025-03-04T14:30+08:00' }, withCalendar('2025-03-05T10:00+08:00'))).toBe(-4);
  });

  it('when a due-date rule uses IF on priority, then the deadline follows the chosen SLA', () => {
    const source = 'ADD_WORKING_HOURS(reportedAt, IF(priority == "urgent", 2, 24))';
    const context = withCalendar('2025-03-04T00:00Z');
    expect(run(source, { reportedAt: '2025-03-04T09:00+08:00', priority: 'urgent' }, context)).toEqual(at('2025-03-04T11:00+08:00'));
    expect(run(source, { reportedAt: '2025-03-04T09:00+08:00', priority: 'normal' }, context)).toEqual(at('2025-03-07T12:00+08:00'));
  });

  it('when no calendar is supplied, then calendarRequired is raised at the call', () => {
    expect(failure('1 + HOURS(ADD_WORKING_HOURS(NOW(), 1) - NOW())')).toMatchObject({ code: 'calendarRequired', start: 10, params: { name: 'ADD_WORKING_HOURS' } });
  });

  it('when the hours are negative, then it is an invalid argument', () => {
    expect(failure('ADD_WORKING_HOURS(NOW(), -1)', {}, withCalendar('2025-03-04T09:00+08:00'))).toMatchObject({ code: 'invalidArgument', params: { reason: 'negative' } });
  });

  it('when the hours are text at run time, then a runtimeType error is raised', () => {
    expect(failure('ADD_WORKING_HOURS(NOW(), h)', { h: 'two' }, withCalendar('2025-03-04T09:00+08:00')).code).toBe('runtimeType');
  });

  it('when working days are fractional, then it is an invalid argument', () => {
    expect(failure('ADD_WORKING_DAYS(TODAY(), 1.5)', {}, withCalendar('2025-03-04T09:00+08:00')).params.reason).toBe('notInteger');
  });

  it('when the start is null, then the result is null (no data)', () => {
    expect(run('ADD_WORKING_HOURS(x, 1)', {}, withCalendar('2025-03-04T09:00+08:00'))).toBeNull();
  });
});

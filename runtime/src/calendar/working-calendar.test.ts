import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createWorkingCalendar,
  workingCalendarConfigSchema,
  type WorkingCalendarConfigInput,
} from './working-calendar.ts';

const HOUR = 3_600_000;

/** An instant from an ISO string with an explicit offset, e.g. `2025-03-04T11:00+08:00`. */
const at = (iso: string): Date => new Date(iso);

const officeHours: WorkingCalendarConfigInput = {
  workingPeriods: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
};

// Test fixture only: holiday data is seed data, never shipped in runtime.
const nationalDay2025: WorkingCalendarConfigInput = {
  ...officeHours,
  exceptions: [
    { date: '2025-09-28', kind: 'workday', name: '国庆节调休' },
    ...['01', '02', '03', '04', '05', '06', '07', '08'].map((day) => ({
      date: `2025-10-${day}`,
      kind: 'holiday' as const,
      name: '国庆节、中秋节',
    })),
    { date: '2025-10-11', kind: 'workday', name: '国庆节调休' },
  ],
};

/** Deterministic pseudo-random numbers in [0, 1) (LCG), so failures are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('given Shanghai office hours 09:00-12:00 and 13:30-17:30, Monday to Friday', () => {
  const calendar = createWorkingCalendar(officeHours);

  it('when a 2-hour deadline starts at 11:00 on a Tuesday, then it skips the lunch break and ends at 14:30', () => {
    expect(calendar.addWorkingHours(at('2025-03-04T11:00+08:00'), 2)).toEqual(at('2025-03-04T14:30+08:00'));
  });

  it('when a deadline starts during the lunch break, then counting begins at 13:30', () => {
    expect(calendar.addWorkingHours(at('2025-03-04T12:40+08:00'), 1)).toEqual(at('2025-03-04T14:30+08:00'));
  });

  it('when the hours exactly use up the morning period, then the deadline is 12:00 rather than 13:30', () => {
    expect(calendar.addWorkingHours(at('2025-03-04T09:00+08:00'), 3)).toEqual(at('2025-03-04T12:00+08:00'));
  });

  it('when a 3-hour deadline starts at 16:00 on a Friday, then it skips the weekend and ends at 10:30 on Monday', () => {
    expect(calendar.addWorkingHours(at('2025-03-07T16:00+08:00'), 3)).toEqual(at('2025-03-10T10:30+08:00'));
  });

  it('when a deadline starts at 22:00, then counting begins at 09:00 the next working morning', () => {
    expect(calendar.addWorkingHours(at('2025-03-04T22:00+08:00'), 1)).toEqual(at('2025-03-05T10:00+08:00'));
  });

  it('when a deadline starts at 06:00, then counting begins at 09:00 the same day', () => {
    expect(calendar.addWorkingHours(at('2025-03-04T06:00+08:00'), 1)).toEqual(at('2025-03-04T10:00+08:00'));
  });

  it('when a deadline starts on Saturday night, then counting begins on Monday morning', () => {
    expect(calendar.addWorkingHours(at('2025-03-08T23:30+08:00'), 0.5)).toEqual(at('2025-03-10T09:30+08:00'));
  });

  it('when fractional hours are given, then they are counted to the millisecond', () => {
    expect(calendar.addWorkingHours(at('2025-03-04T09:00+08:00'), 0.25)).toEqual(at('2025-03-04T09:15+08:00'));
    expect(calendar.addWorkingHours(at('2025-03-04T11:30+08:00'), 1.5)).toEqual(at('2025-03-04T14:30+08:00'));
    expect(calendar.addWorkingHours(at('2025-03-04T11:59+08:00'), 0.1)).toEqual(at('2025-03-04T13:35+08:00'));
    expect(calendar.addWorkingHours(at('2025-03-04T11:59:59+08:00'), 2 / 3600)).toEqual(
      at('2025-03-04T13:30:01+08:00'),
    );
  });

  it('when a deadline spans several weeks, then only working days count', () => {
    // 7 working hours a day, 5 days a week: 70 hours = exactly two weeks.
    expect(calendar.addWorkingHours(at('2025-03-03T09:00+08:00'), 70)).toEqual(at('2025-03-14T17:30+08:00'));
  });

  it('when zero hours are added, then the start is returned unchanged even outside working time', () => {
    expect(calendar.addWorkingHours(at('2025-03-08T23:30+08:00'), 0)).toEqual(at('2025-03-08T23:30+08:00'));
  });

  it('when hours are negative, not finite or the start is invalid, then a RangeError is thrown', () => {
    expect(() => calendar.addWorkingHours(at('2025-03-04T09:00+08:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(at('2025-03-04T09:00+08:00'), Number.NaN)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(at('2025-03-04T09:00+08:00'), Infinity)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(new Date('not a date'), 1)).toThrow(RangeError);
  });

  it('when asked about weekdays and weekends, then only Monday to Friday are working days', () => {
    expect(calendar.isWorkingDay('2025-03-07')).toBe(true);
    expect(calendar.isWorkingDay('2025-03-08')).toBe(false);
    expect(calendar.isWorkingDay('2025-03-09')).toBe(false);
    expect(calendar.isWorkingDay('2025-03-10')).toBe(true);
  });

  it('when asked about an instant, then only time inside a working period is working time', () => {
    expect(calendar.isWorkingTime(at('2025-03-04T09:00+08:00'))).toBe(true);
    expect(calendar.isWorkingTime(at('2025-03-04T11:59:59+08:00'))).toBe(true);
    expect(calendar.isWorkingTime(at('2025-03-04T12:00+08:00'))).toBe(false);
    expect(calendar.isWorkingTime(at('2025-03-04T08:59+08:00'))).toBe(false);
    expect(calendar.isWorkingTime(at('2025-03-08T10:00+08:00'))).toBe(false);
  });

  it('when working days are added or subtracted, then weekends are skipped', () => {
    expect(calendar.addWorkingDays('2025-03-07', 1)).toBe('2025-03-10');
    expect(calendar.addWorkingDays('2025-03-10', -1)).toBe('2025-03-07');
    expect(calendar.addWorkingDays('2025-03-03', 10)).toBe('2025-03-17');
    expect(calendar.addWorkingDays('2025-03-08', 0)).toBe('2025-03-08');
    expect(calendar.nextWorkingDay('2025-03-08')).toBe('2025-03-10');
    expect(calendar.nextWorkingDay('2025-03-04')).toBe('2025-03-05');
  });

  it('when a date string is malformed or does not exist, then a RangeError is thrown', () => {
    expect(() => calendar.isWorkingDay('2025-02-29')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2025/03/04')).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2025-03-04', 1.5)).toThrow(RangeError);
    expect(() => calendar.nextWorkingDay('')).toThrow(RangeError);
  });
});

describe('given the 2025 National Day holiday (10-01..10-08 off, 09-28 Sunday and 10-11 Saturday worked as 调休)', () => {
  const calendar = createWorkingCalendar(nationalDay2025);

  it('when asked about the holiday week, then holidays are off and the 调休 weekend days are working days', () => {
    expect(calendar.isWorkingDay('2025-09-27')).toBe(false);
    expect(calendar.isWorkingDay('2025-09-28')).toBe(true);
    expect(calendar.isWorkingDay('2025-09-30')).toBe(true);
    expect(calendar.isWorkingDay('2025-10-01')).toBe(false);
    expect(calendar.isWorkingDay('2025-10-06')).toBe(false);
    expect(calendar.isWorkingDay('2025-10-08')).toBe(false);
    expect(calendar.isWorkingDay('2025-10-09')).toBe(true);
    expect(calendar.isWorkingDay('2025-10-11')).toBe(true);
    expect(calendar.isWorkingDay('2025-10-12')).toBe(false);
  });

  it('when a 3-hour deadline starts at 16:30 on 09-30, then it resumes after the holiday and ends at 11:00 on 10-09', () => {
    expect(calendar.addWorkingHours(at('2025-09-30T16:30+08:00'), 3)).toEqual(at('2025-10-09T11:00+08:00'));
  });

  it('when a deadline starts on Friday 09-26 at 17:00, then it continues on the 调休 Sunday 09-28', () => {
    expect(calendar.addWorkingHours(at('2025-09-26T17:00+08:00'), 1)).toEqual(at('2025-09-28T09:30+08:00'));
  });

  it('when a deadline starts on Friday 10-10 at 17:00, then it continues on the 调休 Saturday 10-11', () => {
    expect(calendar.addWorkingHours(at('2025-10-10T17:00+08:00'), 1)).toEqual(at('2025-10-11T09:30+08:00'));
  });

  it('when a deadline starts during the holiday, then counting begins on 10-09', () => {
    expect(calendar.addWorkingHours(at('2025-10-03T10:00+08:00'), 7)).toEqual(at('2025-10-09T17:30+08:00'));
  });

  it('when working days are added across the holiday, then holidays are skipped and 调休 days count', () => {
    expect(calendar.addWorkingDays('2025-09-26', 1)).toBe('2025-09-28');
    expect(calendar.addWorkingDays('2025-09-25', 5)).toBe('2025-10-09');
    expect(calendar.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(calendar.addWorkingDays('2025-10-09', -1)).toBe('2025-09-30');
    expect(calendar.addWorkingDays('2025-10-10', 1)).toBe('2025-10-11');
    expect(calendar.nextWorkingDay('2025-10-01')).toBe('2025-10-09');
  });

  it('when measuring from 09-30 16:30 to 10-09 11:00, then three working hours have elapsed', () => {
    expect(calendar.workingMillisBetween(at('2025-09-30T16:30+08:00'), at('2025-10-09T11:00+08:00'))).toBe(3 * HOUR);
  });
});

describe('given workingMillisBetween as the measure for remaining and overdue time', () => {
  const calendar = createWorkingCalendar(nationalDay2025);

  it('when applied to any deadline from addWorkingHours, then it returns exactly the hours that were added', () => {
    const random = seededRandom(20251001);
    const origin = at('2025-09-20T00:00+08:00').getTime();
    for (let i = 0; i < 300; i++) {
      // Starts anywhere in a 4-week window (nights, weekends, holidays included), up to 40 hours.
      const start = new Date(origin + Math.floor(random() * 28 * 24 * 60) * 60_000);
      const hours = Math.round(random() * 40 * 60) / 60;
      const deadline = calendar.addWorkingHours(start, hours);
      expect(calendar.workingMillisBetween(start, deadline), `${start.toISOString()} + ${hours}h`).toBe(
        Math.round(hours * HOUR),
      );
      if (hours > 0) {
        // ...and the deadline is the earliest such instant.
        const justBefore = new Date(deadline.getTime() - 1);
        expect(calendar.workingMillisBetween(start, justBefore)).toBe(Math.round(hours * HOUR) - 1);
      }
    }
  });

  it('when both instants lie in the same break, night or weekend, then no working time elapses', () => {
    expect(calendar.workingMillisBetween(at('2025-03-04T12:05+08:00'), at('2025-03-04T13:25+08:00'))).toBe(0);
    expect(calendar.workingMillisBetween(at('2025-03-04T18:00+08:00'), at('2025-03-05T08:00+08:00'))).toBe(0);
    expect(calendar.workingMillisBetween(at('2025-03-07T17:30+08:00'), at('2025-03-10T09:00+08:00'))).toBe(0);
  });

  it('when measuring a whole ordinary week, then it contains 35 working hours', () => {
    expect(calendar.workingMillisBetween(at('2025-03-03T00:00+08:00'), at('2025-03-10T00:00+08:00'))).toBe(35 * HOUR);
  });

  it('when the second instant is before the first, then the result is negative (overdue)', () => {
    const deadline = at('2025-03-04T14:30+08:00');
    const now = at('2025-03-05T10:00+08:00');
    expect(calendar.workingMillisBetween(now, deadline)).toBe(-4 * HOUR);
    expect(calendar.workingMillisBetween(deadline, now)).toBe(4 * HOUR);
    expect(calendar.workingMillisBetween(now, now)).toBe(0);
  });
});

describe('given calendars in different time zones', () => {
  it('when the zone is UTC, then the same wall-clock hours fall eight hours later than in Shanghai', () => {
    const shanghai = createWorkingCalendar(officeHours);
    const utc = createWorkingCalendar({ ...officeHours, timeZone: 'UTC' });
    const start = at('2025-03-04T00:00Z');
    expect(shanghai.addWorkingHours(start, 1)).toEqual(at('2025-03-04T02:00Z'));
    expect(utc.addWorkingHours(start, 1)).toEqual(at('2025-03-04T10:00Z'));
  });

  it('when the zone is Asia/Tokyo, then 09:00 local time is midnight UTC', () => {
    const tokyo = createWorkingCalendar({ ...officeHours, timeZone: 'Asia/Tokyo' });
    expect(tokyo.addWorkingHours(at('2025-03-03T23:00Z'), 1)).toEqual(at('2025-03-04T01:00Z'));
  });

  it('when an instant is late in the UTC day, then its calendar date is the next Shanghai date', () => {
    const shanghai = createWorkingCalendar(officeHours);
    expect(shanghai.dateOf(at('2025-09-30T16:30Z'))).toBe('2025-10-01');
    expect(shanghai.dateOf(at('2025-09-30T15:59:59Z'))).toBe('2025-09-30');
  });

  it('when a deadline crosses a DST change in America/New_York, then local office hours are kept', () => {
    const newYork = createWorkingCalendar({
      timeZone: 'America/New_York',
      workingPeriods: [{ start: '09:00', end: '17:00' }],
    });
    // Friday 16:00 EST (UTC-5); DST starts Sunday 2025-03-09; Monday 10:00 EDT (UTC-4).
    expect(newYork.addWorkingHours(at('2025-03-07T16:00-05:00'), 2)).toEqual(at('2025-03-10T10:00-04:00'));
  });

  it('when a working period contains a DST transition, then its real elapsed length is counted (documented limitation)', () => {
    const nightShift = createWorkingCalendar({
      timeZone: 'America/New_York',
      workingPeriods: [{ start: '01:00', end: '03:00' }],
      weekendDays: [],
    });
    const dayLength = (from: string, to: string) => nightShift.workingMillisBetween(at(from), at(to));
    // Spring forward: 02:00-03:00 does not exist, so the period lasts one hour.
    expect(dayLength('2025-03-09T00:00-05:00', '2025-03-09T12:00-04:00')).toBe(1 * HOUR);
    // Fall back: 01:00-02:00 happens twice, so the period lasts three hours.
    expect(dayLength('2025-11-02T00:00-04:00', '2025-11-02T12:00-05:00')).toBe(3 * HOUR);
    // An ordinary day is two hours.
    expect(dayLength('2025-03-10T00:00-04:00', '2025-03-10T12:00-04:00')).toBe(2 * HOUR);
  });
});

describe('given a working calendar configuration', () => {
  const issuesOf = (config: unknown) => {
    const result = workingCalendarConfigSchema.safeParse(config);
    expect(result.success).toBe(false);
    return result.error!.issues;
  };

  it('when optional fields are omitted, then Asia/Shanghai, a Saturday-Sunday weekend and no exceptions are used', () => {
    const config = workingCalendarConfigSchema.parse(officeHours);
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.weekendDays).toEqual([0, 6]);
    expect(config.exceptions).toEqual([]);
  });

  it('when working periods overlap, then a ZodError points at the offending period', () => {
    const issues = issuesOf({
      workingPeriods: [
        { start: '09:00', end: '12:00' },
        { start: '11:30', end: '17:30' },
      ],
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['workingPeriods', 1]);
    expect(issues[0]!.message).toMatch(/non-overlapping/);
  });

  it('when working periods are out of order, then the configuration is rejected', () => {
    const issues = issuesOf({
      workingPeriods: [
        { start: '13:30', end: '17:30' },
        { start: '09:00', end: '12:00' },
      ],
    });
    expect(issues[0]!.path).toEqual(['workingPeriods', 1]);
  });

  it('when a working period ends before it starts, then the configuration is rejected', () => {
    const issues = issuesOf({ workingPeriods: [{ start: '17:30', end: '09:00' }] });
    expect(issues[0]!.path).toEqual(['workingPeriods', 0, 'end']);
  });

  it.each(['9:00', '25:00', '12:60', '09:00:00', '24:30', 'noon', ''])(
    'when a working period uses the time string %j, then the configuration is rejected',
    (bad) => {
      const issues = issuesOf({ workingPeriods: [{ start: bad, end: '23:00' }] });
      expect(issues.some((issue) => issue.path.join('.') === 'workingPeriods.0.start')).toBe(true);
    },
  );

  it('when a period ends at 24:00, then it is accepted as the end of the day', () => {
    expect(workingCalendarConfigSchema.safeParse({ workingPeriods: [{ start: '20:00', end: '24:00' }] }).success).toBe(
      true,
    );
  });

  it.each(['2025-02-29', '2025-13-01', '2025-04-31', '2025/10/01', '25-10-01', '2025-10-1'])(
    'when an exception uses the date %j, then the configuration is rejected',
    (bad) => {
      const issues = issuesOf({ ...officeHours, exceptions: [{ date: bad, kind: 'holiday' }] });
      expect(issues[0]!.path).toEqual(['exceptions', 0, 'date']);
    },
  );

  it('when the same date is declared twice, then the configuration is rejected', () => {
    const issues = issuesOf({
      ...officeHours,
      exceptions: [
        { date: '2025-10-01', kind: 'holiday' },
        { date: '2025-10-01', kind: 'workday' },
      ],
    });
    expect(issues[0]!.path).toEqual(['exceptions', 1, 'date']);
  });

  it('when an exception kind is unknown, then the configuration is rejected', () => {
    const issues = issuesOf({ ...officeHours, exceptions: [{ date: '2025-10-01', kind: 'vacation' }] });
    expect(issues[0]!.path).toEqual(['exceptions', 0, 'kind']);
  });

  it('when weekend days are out of range, repeated or cover the whole week, then the configuration is rejected', () => {
    expect(issuesOf({ ...officeHours, weekendDays: [7] })[0]!.path).toEqual(['weekendDays', 0]);
    expect(issuesOf({ ...officeHours, weekendDays: [0, 0] })[0]!.path).toEqual(['weekendDays']);
    expect(issuesOf({ ...officeHours, weekendDays: [0, 1, 2, 3, 4, 5, 6] })[0]!.path).toEqual(['weekendDays']);
  });

  it('when the time zone is unknown or no working period is given, then the configuration is rejected', () => {
    expect(issuesOf({ ...officeHours, timeZone: 'Mars/Olympus_Mons' })[0]!.path).toEqual(['timeZone']);
    expect(issuesOf({ workingPeriods: [] })[0]!.path).toEqual(['workingPeriods']);
  });

  it('when createWorkingCalendar receives an invalid configuration, then it throws a ZodError', () => {
    expect(() =>
      createWorkingCalendar({
        workingPeriods: [
          { start: '09:00', end: '12:00' },
          { start: '10:00', end: '11:00' },
        ],
      }),
    ).toThrow(z.ZodError);
  });
});

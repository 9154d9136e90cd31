import { describe, expect, it } from 'vitest';
import { Duration, PlainDate } from '../values.ts';
import { failure, run } from './test-support.ts';

const at = (iso: string) => new Date(iso);

describe('given the date and time functions (Asia/Shanghai by default, now = 2025-03-04 10:00)', () => {
  it.each([
    ['NOW()', at('2025-03-04T10:00+08:00')],
    ['TODAY()', new PlainDate('2025-03-04')],
    ['DATE(2025, 10, 1)', new PlainDate('2025-10-01')],
    ['DATE("2025-10-01")', new PlainDate('2025-10-01')],
    ['DATE(DATETIME("2025-09-30T16:30:00Z"))', new PlainDate('2025-10-01')],
    ['DATETIME("2025-10-01T09:00")', at('2025-10-01T09:00+08:00')],
    ['DATETIME("2025-10-01 09:00:30")', at('2025-10-01T09:00:30+08:00')],
    ['DATETIME("2025-10-01T09:00Z")', at('2025-10-01T09:00Z')],
    ['DATETIME("2025-10-01T09:00-05:00")', at('2025-10-01T14:00Z')],
    ['DATETIME("2025-10-01")', at('2025-10-01T00:00+08:00')],
    ['DATETIME(DATE(2025, 10, 1))', at('2025-10-01T00:00+08:00')],
    ['YEAR(NOW())', 2025],
    ['MONTH(NOW())', 3],
    ['DAY(NOW())', 4],
    ['HOUR(NOW())', 10],
    ['MINUTE(NOW() + 5min)', 5],
    ['WEEKDAY(NOW())', 2],
    ['WEEKDAY(DATE(2025, 3, 9))', 7],
    ['YEAR(DATE(2024, 12, 31))', 2024],
    ['HOUR(DATETIME("2025-03-03T20:00:00Z"))', 4],
    ['DAY(DATETIME("2025-03-03T20:00:00Z"))', 4],
    ['ADD_DAYS(DATE(2025, 2, 28), 1)', new PlainDate('2025-03-01')],
    ['ADD_DAYS(DATE(2024, 2, 28), 1)', new PlainDate('2024-02-29')],
    ['ADD_DAYS(NOW(), -1)', at('2025-03-03T10:00+08:00')],
    ['ADD_HOURS(NOW(), 1.5)', at('2025-03-04T11:30+08:00')],
    ['DAYS_BETWEEN(DATE(2025, 3, 1), DATE(2025, 3, 4))', 3],
    ['DAYS_BETWEEN(NOW(), DATE(2025, 3, 1))', -3],
    ['DAYS_BETWEEN(DATETIME("2025-03-03T23:30+08:00"), DATETIME("2025-03-04T00:30+08:00"))', 1],
    ['HOURS_BETWEEN(DATETIME("2025-03-04T08:00"), NOW())', 2],
    ['HOURS_BETWEEN("2025-03-04T08:00", NOW())', 2],
    ['DURATION(90, "min")', new Duration(5_400_000)],
    ['DURATION("PT72H")', new Duration(72 * 3_600_000)],
    ['DURATION("P1DT2H")', new Duration(26 * 3_600_000)],
    ['HOURS(90min)', 1.5],
    ['DAYS(36h)', 1.5],
    ['MINUTES(2h)', 120],
    ['SECONDS(1min)', 60],
    ['HOURS(DATETIME("2025-03-04T12:00") - NOW())', 2],
    ['YEAR(x)', null],
  ])('when %j is evaluated, then it gives %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('when the evaluation time zone is UTC, then calendar parts follow it', () => {
    expect(run('HOUR(NOW())', {}, { now: () => at('2025-03-04T02:00Z'), timeZone: 'UTC' })).toBe(2);
  });

  it('when a datetime comes from a variable as ISO text, then the functions accept it', () => {
    expect(run('HOUR(reportedAt)', { reportedAt: '2025-03-04T01:00:00Z' })).toBe(9);
  });

  it.each([
    ['DATE(2025, 2, 29)', 'invalidDate'],
    ['DATE(2025, 13, 1)', 'invalidDate'],
    ['DATE(2025.5, 1, 1)', 'notInteger'],
    ['DATETIME(x)', 'invalidDatetime'],
    ['DURATION(1, "m")', 'unknownUnit'],
    ['ADD_DAYS(TODAY(), 0.5)', 'notInteger'],
  ])('when %j is evaluated with bad input, then it fails with reason %s', (source, reason) => {
    expect(failure(source, { x: '2025-02-30T10:00' })).toMatchObject({ code: 'invalidArgument', params: { reason } });
  });

  it('when a datetime argument is text that is not ISO 8601, then a runtimeType error is raised', () => {
    expect(failure('HOUR(x)', { x: 'yesterday' })).toMatchObject({ code: 'runtimeType', params: { name: 'HOUR', expected: 'datetime' } });
  });

  it('when DURATION gets a non-ISO text, then a runtimeType error is raised', () => {
    expect(failure('DURATION(x)', { x: 'three hours' }).code).toBe('runtimeType');
  });

  it('when TODAY() is evaluated without a clock, then clockRequired is raised', () => {
    expect(failure('TODAY()', {}, {})).toMatchObject({ code: 'clockRequired', params: { name: 'TODAY' } });
  });
});

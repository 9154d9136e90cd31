import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { createTestApp, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';
import { loadWorkingCalendar } from './calendar.server.ts';

let t: TestApp;
let admin: string;
let tenantId: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenFor('admin');
  tenantId = await t.tenantId();
});
afterAll(() => t.close());

interface Day { date: string; kind: 'holiday' | 'workday'; name: string | null }
interface Calendar { year: number; workingTime: { timeZone: string; workingPeriods: { start: string; end: string }[]; weekendDays: number[] }; days: Day[] }

async function deadline(start: string, hours: number, token = admin) {
  const res = await t.request('POST', '/api/v1/calendar/deadline', { token, body: { start, hours } });
  expect(res.status).toBe(200);
  return (await res.json()) as { deadline: string; deadlineDate: string };
}

describe('working calendar', () => {
  it('given the seeded calendar, when reading 2026, then working time and the 2026 holidays and make-up days are returned in date order', async () => {
    const res = await t.request('GET', '/api/v1/calendar?year=2026', { token: await t.tokenFor('cc.dispatcher1') });
    expect(res.status).toBe(200);
    const calendar = (await res.json()) as Calendar;
    expect(calendar.workingTime).toEqual({ timeZone: 'Asia/Shanghai', workingPeriods: [{ start: '09:00', end: '12:00' }, { start: '13:30', end: '17:30' }], weekendDays: [0, 6] });
    expect(calendar.days.every((d) => d.date.startsWith('2026-'))).toBe(true);
    expect(calendar.days.map((d) => d.date)).toEqual([...calendar.days.map((d) => d.date)].sort());
    expect(calendar.days.find((d) => d.date === '2026-02-17')).toEqual({ date: '2026-02-17', kind: 'holiday', name: '春节' });
    expect(calendar.days.find((d) => d.date === '2026-02-14')).toMatchObject({ kind: 'workday' });
  });

  it('given the 2026 Spring Festival, when 3 working hours start at 16:00 on Friday 13 February, then the deadline is 10:30 on the make-up Saturday', async () => {
    const result = await deadline('2026-02-13T16:00:00+08:00', 3);
    expect(result).toMatchObject({ deadline: '2026-02-14T02:30:00.000Z', deadlineDate: '2026-02-14' });
  });

  it('given the 2026 Spring Festival, when 3 working hours start at 16:00 on the make-up Saturday, then the deadline skips the nine-day holiday to 10:30 on Tuesday 24 February', async () => {
    const result = await deadline('2026-02-14T16:00:00+08:00', 3);
    expect(result).toMatchObject({ deadline: '2026-02-24T02:30:00.000Z', deadlineDate: '2026-02-24' });
  });

  it('given a new holiday, when a date is marked, then it is stored, audited once and moves deadlines', async () => {
    const before = await deadline('2026-03-10T09:00:00+08:00', 7);
    expect(before.deadlineDate).toBe('2026-03-10');
    const since = await t.auditMark();
    const res = await t.request('PUT', '/api/v1/calendar/days/2026-03-10', { token: admin, body: { kind: 'holiday', name: '示范市纪念日' } });
    expect(res.status).toBe(200);
    expect((await res.json()) as Day).toEqual({ date: '2026-03-10', kind: 'holiday', name: '示范市纪念日' });
    const audit = await t.auditSince(since);
    expect(audit.map((r) => [r.action, r.objectType, r.objectId])).toEqual([['create', 'calendarDay', '2026-03-10']]);
    const after = await deadline('2026-03-10T09:00:00+08:00', 7);
    expect(after.deadline).toBe('2026-03-11T09:30:00.000Z');
    expect((await loadWorkingCalendar(t.app, tenantId)).isWorkingDay('2026-03-10')).toBe(false);
  });

  it('given a marked date, when it is marked again, then the exception is replaced and audited as an update', async () => {
    await t.request('PUT', '/api/v1/calendar/days/2026-03-12', { token: admin, body: { kind: 'holiday' } });
    const since = await t.auditMark();
    const res = await t.request('PUT', '/api/v1/calendar/days/2026-03-12', { token: admin, body: { kind: 'workday', name: '补班' } });
    expect(res.status).toBe(200);
    const audit = await t.auditSince(since);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'update', before: expect.objectContaining({ kind: 'holiday' }), after: expect.objectContaining({ kind: 'workday' }) });
  });

  it('given a marked date, when it is cleared, then it is removed with one audit row; clearing it again is 404', async () => {
    await t.request('PUT', '/api/v1/calendar/days/2026-03-13', { token: admin, body: { kind: 'holiday' } });
    const since = await t.auditMark();
    expect((await t.request('DELETE', '/api/v1/calendar/days/2026-03-13', { token: admin })).status).toBe(204);
    expect((await t.auditSince(since)).map((r) => r.action)).toEqual(['delete']);
    const calendar = (await (await t.request('GET', '/api/v1/calendar?year=2026', { token: admin })).json()) as Calendar;
    expect(calendar.days.some((d) => d.date === '2026-03-13')).toBe(false);
    expect((await t.request('DELETE', '/api/v1/calendar/days/2026-03-13', { token: admin })).status).toBe(404);
  });

  it('given next year\'s notice, when imported, then all dates are stored in one transaction with one audit row', async () => {
    const since = await t.auditMark();
    const res = await t.request('POST', '/api/v1/calendar/import', {
      token: admin,
      body: { days: [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }, { date: '2027-02-06', kind: 'holiday', name: '春节' }, { date: '2026-03-10', kind: 'workday' }] },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ created: 2, updated: 1 });
    expect((await t.auditSince(since)).map((r) => [r.action, r.objectType])).toEqual([['import', 'calendar']]);
    const calendar = (await (await t.request('GET', '/api/v1/calendar?year=2027', { token: admin })).json()) as Calendar;
    expect(calendar.days.map((d) => d.date)).toEqual(['2027-01-01', '2027-02-06']);
  });

  it('given an import with a duplicate and an impossible date, when imported, then 422 names both rows and nothing is written', async () => {
    const since = await t.auditMark();
    const res = await t.request('POST', '/api/v1/calendar/import', {
      token: admin, headers: { 'accept-language': 'en' },
      body: { days: [{ date: '2028-01-01', kind: 'holiday' }, { date: '2028-01-01', kind: 'holiday' }, { date: '2028-02-30', kind: 'holiday' }] },
    });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as ErrorJson).error.fields!;
    expect(fields.map((f) => f.field).sort()).toEqual(['days.1.date', 'days.2.date']);
    const c = t.app.db.t.calendarDays;
    expect(await t.app.db.read.select().from(c).where(and(eq(c.tenantId, tenantId), like(c.date, '2028-%')))).toHaveLength(0);
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given a handler who may only read the calendar, when marking a date, then 403', async () => {
    const res = await t.request('PUT', '/api/v1/calendar/days/2026-04-01', { token: await t.tokenFor('water.handler'), body: { kind: 'holiday' } });
    expect(res.status).toBe(403);
  });

  it('given the other city without a calendar, when computing a deadline, then the default working time applies', async () => {
    const result = await deadline('2026-02-16T09:00:00+08:00', 7, await t.tokenFor('other.dispatcher'));
    expect(result.deadline).toBe('2026-02-16T09:30:00.000Z');
  });
});

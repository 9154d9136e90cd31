import { defineRoute } from '../define.server.ts';
import {
  calendarDateParams, calendarDayBody, calendarDayOutput, calendarImportInput, calendarImportOutput, calendarOutput, calendarQuery,
  deadlineInput, deadlineOutput,
} from '../../../shared/schemas/calendar.ts';
import {
  computeDeadline, deleteCalendarDay, getCalendar, importCalendarDays, setCalendarDay,
} from '../../services/calendar.server.ts';

export const calendarRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/calendar', permission: { action: 'read', subject: 'Calendar' }, tag: 'calendar', summary: 'Working time and the holidays / make-up working days of a year',
    query: calendarQuery, response: calendarOutput, errors: [401, 403, 422],
    handler: ({ app, actor, query }) => getCalendar(app, actor, query),
  }),
  defineRoute({
    method: 'PUT', path: '/api/v1/calendar/days/{date}', permission: { action: 'update', subject: 'Calendar' }, tag: 'calendar', summary: 'Mark a date as a holiday or a make-up working day',
    params: calendarDateParams, body: calendarDayBody, response: calendarDayOutput, errors: [400, 401, 403, 422],
    handler: ({ app, actor, params, body }) => setCalendarDay(app, actor, { ...body, date: params.date }),
  }),
  defineRoute({
    method: 'DELETE', path: '/api/v1/calendar/days/{date}', permission: { action: 'update', subject: 'Calendar' }, tag: 'calendar', summary: 'Remove the exception of a date',
    params: calendarDateParams, status: 204, errors: [401, 403, 404, 422],
    handler: async ({ app, actor, params }) => { await deleteCalendarDay(app, actor, params.date); },
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/calendar/import', permission: { action: 'update', subject: 'Calendar' }, tag: 'calendar', summary: 'Create or replace many dates at once (all or nothing)',
    body: calendarImportInput, response: calendarImportOutput, errors: [400, 401, 403, 413, 422],
    handler: ({ app, actor, body }) => importCalendarDays(app, actor, body),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/calendar/deadline', permission: { action: 'read', subject: 'Calendar' }, tag: 'calendar', summary: 'Preview a time limit: the instant a number of working hours after a start',
    body: deadlineInput, response: deadlineOutput, errors: [400, 401, 403, 422],
    handler: ({ app, actor, body }) => computeDeadline(app, actor, body),
  }),
];

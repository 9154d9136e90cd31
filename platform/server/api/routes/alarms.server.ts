import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import { alarmActionInput, alarmFalseInput, alarmImportOutput, alarmOutput, alarmPage, alarmQuery } from '../../../shared/schemas/alarm.ts';
import { changeAlarm, getAlarm, listAlarms } from '../../alarms/alarms.server.ts';
import { exportAlarmRuleBundle, importAlarmRuleBundle } from '../../alarms/rule-bundles.server.ts';

const lifecycle = 'Moves the alarm as its lifecycle allows (报警中 → 已确认 → 处置中 → 已解除 → 已关闭; 误报 from any open status). A step the lifecycle refuses, or a `version` other than the current one, is 409 `state_conflict`. Audited.';

export const alarmRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/alarms', permission: { action: 'read', subject: 'Alarm' }, tag: 'alarms',
    summary: '报警 in the caller\'s data scope, newest first',
    description: 'Filters: status (or `open` = active + acknowledged + handling), severity (1 一级/red … 4 四级/blue), module, ruleKey, deviceId, facilityId, districtId, from/to (raised). Paged.',
    query: alarmQuery, response: alarmPage, errors: [401, 403, 422],
    handler: ({ app, actor, query }) => listAlarms(app, actor, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/alarms/{id}', permission: { action: 'read', subject: 'Alarm' }, tag: 'alarms',
    summary: 'One alarm with its history (raise, escalate, clear, remind, acknowledge, handle, resolve, close, markFalse)',
    params: idParams, response: alarmOutput, errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getAlarm(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/alarms/{id}/acknowledge', permission: { action: 'update', subject: 'Alarm' }, tag: 'alarms',
    summary: '确认: someone has seen the alarm', description: lifecycle,
    params: idParams, body: alarmActionInput, response: alarmOutput, errors: [401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => changeAlarm(app, actor, params.id, 'acknowledge', body),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/alarms/{id}/resolve', permission: { action: 'update', subject: 'Alarm' }, tag: 'alarms',
    summary: '解除: handled without a case (an alarm whose case or work order still runs is resolved when that ends)', description: lifecycle,
    params: idParams, body: alarmActionInput, response: alarmOutput, errors: [401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => changeAlarm(app, actor, params.id, 'resolve', body),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/alarms/{id}/close', permission: { action: 'update', subject: 'Alarm' }, tag: 'alarms',
    summary: '关闭 a resolved alarm', description: lifecycle,
    params: idParams, body: alarmActionInput, response: alarmOutput, errors: [401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => changeAlarm(app, actor, params.id, 'close', body),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/alarms/{id}/mark-false', permission: { action: 'update', subject: 'Alarm' }, tag: 'alarms',
    summary: '误报: judge the alarm false, with the reason (feeds 报警准确率)', description: lifecycle,
    params: idParams, body: alarmFalseInput, response: alarmOutput, errors: [401, 403, 404, 409, 422],
    handler: ({ app, actor, params, body }) => changeAlarm(app, actor, params.id, 'markFalse', body),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/alarm-rules/export', permission: { action: 'read', subject: 'Definition' }, tag: 'alarms',
    summary: 'Download the city\'s published alarm rules as a bundle (format tongguan.alarmRules, version 1)',
    produces: 'application/json', errors: [401, 403],
    handler: ({ app, actor }) => exportAlarmRuleBundle(app, actor),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/alarm-rules/import', permission: { action: 'create', subject: 'Definition' }, tag: 'alarms',
    summary: 'Import a bundle as drafts (each key\'s draft replaced or created), all or nothing',
    description: 'The body is an export file. Every rule is checked against this city\'s device types, roles and processes first; a problem answers 422 with fields such as `rules.2.content.levels.0.condition.expr` and nothing is written. Publish the drafts with POST /api/v1/definitions/{id}/publish. Audited.',
    body: z.unknown(), response: alarmImportOutput, status: 201, errors: [400, 401, 403, 409, 413, 422],
    handler: ({ app, actor, body }) => importAlarmRuleBundle(app, actor, body),
  }),
];

/** Inputs and outputs of the alarm API (报警与处置). Universal: the server validates, pages reuse them. */
import { z } from 'zod';
import { ALARM_STATUSES } from '@tongguan/runtime/alarms/lifecycle';
import { MONITORING_MODULES } from '@tongguan/runtime/devices/definition';
import { idSchema } from './common.ts';

const comment = z.string().trim().max(500).regex(/^[^\u0000-\u0009\u000b\u000c\u000e-\u001f]*$/, { message: '#validation.comment' });

export const alarmQuery = z.object({
  /** One status, or `open` for 报警中 + 已确认 + 处置中. */
  status: z.union([z.enum(ALARM_STATUSES), z.literal('open')]).optional(),
  severity: z.coerce.number().int().min(1).max(4).optional(),
  module: z.enum(MONITORING_MODULES).optional(),
  ruleKey: z.string().max(80).optional(),
  deviceId: idSchema.optional(),
  facilityId: idSchema.optional(),
  districtId: idSchema.optional(),
  /** Raised at or after / before. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type AlarmQuery = z.input<typeof alarmQuery>;

/** Acknowledge, resolve, close: an optional comment; `version` (from the alarm read) makes a stale click a 409. */
export const alarmActionInput = z.object({ comment: comment.optional(), version: z.number().int().min(1).optional() });
/** 误报 needs its reason (it feeds 报警准确率). */
export const alarmFalseInput = z.object({ reason: comment.min(1), version: z.number().int().min(1).optional() });

export const alarmSummary = z.object({
  id: z.string(), ruleKey: z.string(), ruleVersion: z.number().int(), ruleName: z.string(),
  severity: z.number().int().describe('1 一级 (red) … 4 四级 (blue)'), highestSeverity: z.number().int(),
  status: z.enum(ALARM_STATUSES), sourceKind: z.enum(['device', 'facility']), sourceCode: z.string(),
  deviceId: z.string().nullable(), facilityId: z.string().nullable(), module: z.string().nullable(),
  lng: z.number().nullable(), lat: z.number().nullable(), orgId: z.string().nullable(), districtOrgId: z.string().nullable(), gridId: z.string().nullable(),
  value: z.number().nullable(), values: z.record(z.string(), z.union([z.number(), z.boolean()])), message: z.string(),
  raisedAt: z.string(), acknowledgedAt: z.string().nullable(), acknowledgedBy: z.string().nullable(), clearedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(), closedAt: z.string().nullable(), closedBy: z.string().nullable(),
  falseAlarm: z.boolean(), falseAlarmReason: z.string().nullable(), caseId: z.string().nullable(), processInstanceId: z.string().nullable(),
  version: z.number().int(),
});
export type AlarmSummary = z.infer<typeof alarmSummary>;

export const alarmPage = z.object({ items: z.array(alarmSummary), total: z.number().int() });

export const alarmEventOutput = z.object({
  type: z.string(), severity: z.number().int().nullable(), actorId: z.string().nullable(), actorName: z.string().nullable(), at: z.string(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const alarmOutput = alarmSummary.extend({ events: z.array(alarmEventOutput) });
export type AlarmOutput = z.infer<typeof alarmOutput>;

export const alarmImportOutput = z.object({
  rules: z.array(z.object({ key: z.string(), id: z.string(), version: z.number().int(), created: z.boolean() })),
});

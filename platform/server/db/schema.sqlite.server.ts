import { defineSchema } from './schema.server.ts';
import { sqliteKit } from './schema-kit.server.ts';

export const schema = defineSchema(sqliteKit);
export const {
  tenants, organisations, grids, users, memberships, roles, userRoles, sessions, apiTokens,
  auditLog, definitions, parameters, calendarDays,
  processInstances, tasks, taskCandidates, timers, startTimers, eventSubscriptions, jobs, activityHistory,
  cases, caseSequences, attachments, notifications, notificationDeliveries, indicatorValues, indicatorReports, inspectionTasks,
  entities, devices, telemetry, telemetryLatest, telemetryRollups, ingestRejections, watermarks,
  alarmRuleStates, alarms, alarmEvents,
} = schema;

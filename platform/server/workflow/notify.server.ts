/**
 * The built-in `notify` service task (站内通知): tells people something about the instance, e.g.
 * the 督办 notice when a case passes its handling deadline. Title and body are expressions of the
 * one expression language over the instance's variables; recipients are groups of roles or
 * positions, optionally within organisations an expression names (e.g. the case's responsible
 * unit). `channels` adds transports plugins register (`sms`, `wecom`) to the in-app notice, which
 * is always written; their deliveries are queued with the notices and sent after commit. Runs after
 * the step committed, at least once: the job id makes a retry add nothing — no second notice, no
 * second delivery. A channel no plugin provides is refused when the process is published.
 *
 * @example
 * <serviceTask id="notifyOverdue" tg:type="notify">
 *   <extensionElements><tg:config>{ "title": "CONCAT(\"案件 \", caseNumber, \" 已超期\")",
 *     "to": [{ "roles": ["leader"] }, { "roles": ["handler"], "organisations": "responsibleUnitId" }],
 *     "link": "case", "channels": ["inApp", "sms"], "severity": 2 }</tg:config></extensionElements>
 * </serviceTask>
 */
import { z } from 'zod';
import { checkExpression, evaluate } from '@tongguan/runtime/expr/index';
import type { JsonValue } from '@tongguan/runtime/bpmn/engine/contract';
import { externalChannels, notifyChannelsSchema } from '@tongguan/runtime/notify/channels';
import type { App } from '../app.server.ts';
import { POSITIONS } from '../../shared/domain.ts';
import { recipientsOf, sendNotifications } from '../services/notifications.server.ts';
import { loadWorkingCalendar } from '../services/calendar.server.ts';
import { getParameterValue } from '../services/parameters.server.ts';
import { channelIssues } from '../notify/channels.server.ts';
import type { ServiceTaskHandler } from './service-tasks.server.ts';

const expression = z.string().min(1).max(1000).superRefine((source, ctx) => {
  const checked = checkExpression(source);
  if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.diagnostics.map((d) => d.message).join('; ') });
});

const notifyConfig = z.object({
  title: expression,
  body: expression.optional(),
  to: z.array(z.object({
    roles: z.array(z.string().min(1)).optional(),
    positions: z.array(z.enum(POSITIONS)).optional(),
    /** Expression yielding an organisation id or a list of them. */
    organisations: expression.optional(),
  }).refine((g) => Boolean(g.roles?.length || g.positions?.length), { message: 'a recipient group names roles or positions' })).min(1).max(10),
  /** The page the notice opens: the instance's case, or the instance itself. */
  link: z.enum(['case', 'instance']).default('instance'),
  /** Channels beyond the in-app notice (always sent), e.g. `["inApp", "sms"]`. */
  channels: notifyChannelsSchema.optional(),
  /** 一级～四级, for channels that show a level (an SMS template's, a WeCom message's colour). */
  severity: z.int().min(1).max(4).optional(),
}).strict();
type NotifyConfig = z.infer<typeof notifyConfig>;

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value instanceof Date ? value.toISOString() : value));
const ids = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v.length > 0);

export function notifyHandler(app: App): ServiceTaskHandler<NotifyConfig> {
  return {
    type: 'notify',
    description: '站内通知：按角色/岗位（可限定机构）通知相关人员',
    configSchema: notifyConfig,
    publishIssues: (config, locale) => channelIssues(app.notifyTransports, config.channels, locale, ['channels']),
    async run({ jobId, tenantId, instanceId, config, variables }): Promise<JsonValue | undefined> {
      const vars = variables as Record<string, never>;
      // The app's clock and the city's calendar, as everywhere else an expression is evaluated.
      const { timeZone } = await getParameterValue(app, tenantId, 'calendar.workingTime');
      const context = { now: app.now, calendar: await loadWorkingCalendar(app, tenantId), timeZone };
      const recipients = new Set<string>();
      for (const group of config.to) {
        const organisationIds = group.organisations === undefined ? undefined : ids(evaluate(group.organisations, vars, context));
        for (const id of await recipientsOf(app, tenantId, { roles: group.roles, positions: group.positions, organisationIds })) recipients.add(id);
      }
      const caseId = typeof variables.caseId === 'string' ? variables.caseId : undefined;
      const sent = await sendNotifications(app, {
        tenantId, userIds: [...recipients], sourceKey: jobId,
        title: text(evaluate(config.title, vars, context)).slice(0, 200),
        body: config.body === undefined ? null : text(evaluate(config.body, vars, context)).slice(0, 2000),
        link: config.link === 'case' && caseId ? `/cases/${caseId}` : `/processes/${instanceId}`,
        severity: config.severity ?? null, channels: externalChannels(config.channels),
      });
      return sent.notices;
    },
  };
}

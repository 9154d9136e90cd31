/**
 * 报警详情: what was measured, where, its level and history, the linked case, and the lifecycle
 * actions the reader may take (确认, 解除, 关闭, 误报 with a reason). The server decides whether a
 * transition is allowed (409 when the alarm moved on meanwhile).
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Button, Card, Descriptions, Input, Modal, Space, Tag, Timeline, Typography } from 'antd';
import type { Route } from './+types/alarm';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { orRespond, runIntent } from '../lib/action.server.ts';
import { changeAlarm, getAlarm } from '../../server/alarms/alarms.server.ts';
import { SEVERITY_COLOURS } from '../components/one-map.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { useShell } from '../lib/shell-context.tsx';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { pageTitle } from '../lib/meta.ts';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.alarms.detail');

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Alarm');
  return orRespond(actor.locale, async () => ({ alarm: await getAlarm(context.app, actor, params.id) }));
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  const change = (kind: 'acknowledge' | 'resolve' | 'close' | 'markFalse') => async (payload: unknown) => { await changeAlarm(context.app, actor, params.id, kind, payload); };
  return runIntent(actor, form, { acknowledge: change('acknowledge'), resolve: change('resolve'), close: change('close'), markFalse: change('markFalse') });
}

const ACTIONS_BY_STATUS: Record<string, ('acknowledge' | 'resolve' | 'close' | 'markFalse')[]> = {
  active: ['acknowledge', 'markFalse'], acknowledged: ['resolve', 'markFalse'], handling: ['resolve', 'markFalse'], resolved: ['close'],
};

export default function AlarmPage({ loaderData }: Route.ComponentProps) {
  const { alarm } = loaderData;
  const t = useT();
  const fmt = useDateFormat();
  const { can } = useShell();
  const [falseOpen, setFalseOpen] = useState(false);
  const [reason, setReason] = useState('');
  const acknowledge = useIntent('acknowledge');
  const resolve = useIntent('resolve');
  const close = useIntent('close');
  const markFalse = useIntent('markFalse', { onSuccess: () => setFalseOpen(false) });
  const intents = { acknowledge, resolve, close, markFalse };
  // While its case or work order runs, the process resolves the alarm when it ends.
  const allowed = (can['update:Alarm'] ? ACTIONS_BY_STATUS[alarm.status] ?? [] : []).filter((kind) => !(kind === 'resolve' && alarm.status === 'handling' && alarm.processInstanceId));
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="alarm-page">
      <Card size="small" title={<Space><Tag color={SEVERITY_COLOURS[alarm.severity]}>{t(`ui.oneMap.severities.${alarm.severity}`)}</Tag>{alarm.ruleName}</Space>}
        extra={<Tag data-testid="alarm-status">{t(`ui.oneMap.alarmStatuses.${alarm.status}`)}</Tag>}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('ui.alarms.source')}><Typography.Text code>{alarm.sourceCode}</Typography.Text></Descriptions.Item>
          <Descriptions.Item label={t('ui.alarms.raisedAt')}>{fmt.dateTime(alarm.raisedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('ui.alarms.message')} span={2}>{alarm.message}</Descriptions.Item>
          {Object.entries(alarm.values).map(([metric, value]) => <Descriptions.Item key={metric} label={metric}>{String(value)}</Descriptions.Item>)}
          {alarm.caseId ? <Descriptions.Item label={t('ui.alarms.case')}><Link to={`/cases/${alarm.caseId}`}>{t('ui.oneMap.openCase')}</Link></Descriptions.Item> : null}
          {alarm.falseAlarmReason ? <Descriptions.Item label={t('ui.alarms.reason')}>{alarm.falseAlarmReason}</Descriptions.Item> : null}
        </Descriptions>
        {allowed.length ? (
          <Space wrap style={{ marginTop: 12 }}>
            {allowed.map((kind) => (
              <Button key={kind} danger={kind === 'markFalse'} type={kind === 'markFalse' ? 'default' : 'primary'} loading={intents[kind].busy} data-testid={`alarm-${kind}`}
                onClick={() => (kind === 'markFalse' ? setFalseOpen(true) : void intents[kind].submit({ version: alarm.version }))}>
                {t(`ui.alarms.actions.${kind}`)}
              </Button>
            ))}
          </Space>
        ) : null}
      </Card>
      <Card size="small" title={t('ui.alarms.history')}>
        <Timeline items={alarm.events.map((e) => ({
          children: <span>{t(`ui.alarms.events.${e.type}`)}{e.severity ? ` · ${t(`ui.oneMap.severities.${e.severity}`)}` : ''} · {e.actorName ?? t('ui.alarms.system')} · {fmt.dateTime(e.at)}</span>,
        }))} />
      </Card>
      <Modal open={falseOpen} title={t('ui.alarms.actions.markFalse')} onCancel={() => setFalseOpen(false)} okButtonProps={{ disabled: !reason.trim(), loading: markFalse.busy }}
        onOk={() => void markFalse.submit({ reason: reason.trim(), version: alarm.version })}>
        <Input.TextArea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('ui.alarms.reasonHint')} data-testid="alarm-false-reason" />
      </Modal>
    </Space>
  );
}

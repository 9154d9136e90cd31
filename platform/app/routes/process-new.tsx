import { useNavigate } from 'react-router';
import { Button, Card, Empty, Form, Input, Select } from 'antd';
import { z } from 'zod';
import type { Route } from './+types/process-new';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { runIntent } from '../lib/action.server.ts';
import { startProcessInstance } from '../../server/services/process-instances.server.ts';
import { listStartableProcesses } from '../../server/services/workflow-views.server.ts';
import { checkVariables } from '../lib/variables-json.ts';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';

/** The editor's fields; the variables text is checked by variablesText before it is sent. */
const startForm = z.object({
  processKey: z.string().min(1),
  businessKey: z.string().max(100).optional(),
  variables: z.string().optional(),
});
type StartForm = z.infer<typeof startForm>;

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.startProcess');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'create', 'Process');
  return { processes: await listStartableProcesses(context.app, actor) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    start: async (payload) => ({ id: (await startProcessInstance(context.app, actor, payload)).id }),
  });
}

export default function ProcessNew({ loaderData }: Route.ComponentProps) {
  const { processes } = loaderData;
  const t = useT();
  const navigate = useNavigate();
  const [form] = Form.useForm<StartForm>();
  const start = useIntent('start', { form, successKey: 'ui.processes.started', onSuccess: (result) => navigate(`/processes/${result.id}`) });

  const submit = (values: StartForm) => {
    const parsed = startForm.parse(values);
    const variables = checkVariables(parsed.variables ?? '');
    if (!variables.ok) return;
    start.submit({ processKey: parsed.processKey, businessKey: parsed.businessKey?.trim() || undefined, variables: variables.value });
  };

  return (
    <Card title={t('ui.nav.startProcess')} size="small" style={{ maxWidth: 720 }}>
      {processes.length === 0 ? <Empty description={t('ui.processes.noProcesses')} /> : (
        <Form form={form} layout="vertical" onFinish={submit} data-testid="process-start-form">
          <Form.Item name="processKey" label={t('ui.processes.process')} rules={[{ required: true, message: t('ui.processes.selectProcess') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} placeholder={t('ui.processes.selectProcess')}
              options={processes.map((p) => ({ value: p.key, label: `${p.name} · ${p.key} v${p.version}` }))} />
          </Form.Item>
          <Form.Item name="businessKey" label={t('ui.processes.businessKey')}>
            <Input maxLength={100} allowClear />
          </Form.Item>
          <Form.Item name="variables" label={t('ui.processes.variables')} extra={t('ui.processes.variablesHint')}
            rules={[{
              validator: async (_, text: string | undefined) => {
                const checked = checkVariables(text ?? '');
                if (!checked.ok) throw new Error(checked.path ? t('ui.workflow.labelled', { label: checked.path, value: t(checked.messageKey) }) : t(checked.messageKey));
              },
            }]}>
            <Input.TextArea rows={8} spellCheck={false} style={{ fontFamily: 'monospace' }} placeholder='{"level": 3}' data-testid="process-variables" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={start.busy} data-testid="process-start">{t('ui.processes.start')}</Button>
        </Form>
      )}
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

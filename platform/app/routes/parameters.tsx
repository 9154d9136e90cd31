import { Card, Table, Tag, Typography } from 'antd';
import type { Route } from './+types/parameters';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { runIntent } from '../lib/action.server.ts';
import { listParameters, setParameter } from '../../server/services/parameters.server.ts';
import { parseInput } from '../../server/errors.server.ts';
import { parameterKeyParams } from '../../shared/schemas/parameter.ts';
import { userNames } from '../lib/user-names.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { pageTitle } from '../lib/meta.ts';
import { useDateFormat } from '../lib/format.ts';
import { ParameterEditor } from '../components/parameter-editor.tsx';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.parameters');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Parameter');
  const parameters = await listParameters(context.app, actor);
  return { parameters, names: await userNames(context.app, actor, parameters.map((p) => p.updatedBy)) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    set: async (payload) => {
      const { key } = parseInput(parameterKeyParams, { key: form.get('key') });
      await setParameter(context.app, actor, key, payload);
    },
  });
}

export default function Parameters({ loaderData }: Route.ComponentProps) {
  const { parameters, names } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const { can } = useShell();
  type Parameter = (typeof parameters)[number];
  return (
    <Card title={t('ui.nav.parameters')} size="small">
      <div data-testid="parameters-table">
        <Table<Parameter>
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={parameters}
          scroll={{ x: 900 }}
          columns={[
            {
              title: t('ui.parameters.key'), dataIndex: 'key', width: 280,
              render: (key: string, p) => (
                <div>
                  <Typography.Text code>{key}</Typography.Text>
                  <div><Typography.Text type="secondary">{p.description}</Typography.Text></div>
                </div>
              ),
            },
            {
              title: t('ui.parameters.value'), key: 'value',
              // Keyed by the stored value: after a save the editor restarts from the new value.
              render: (_, p) => <ParameterEditor key={JSON.stringify(p.value)} parameterKey={p.key} value={p.value} defaultValue={p.defaultValue} disabled={!can['update:Parameter']} />,
            },
            {
              title: t('ui.parameters.state'), key: 'state', width: 180,
              render: (_, p) => p.isDefault
                ? <Tag>{t('ui.parameters.isDefault')}</Tag>
                : <span><Tag color="blue">{t('ui.parameters.custom')}</Tag><br /><small>{dateTime(p.updatedAt)} {p.updatedBy ? names[p.updatedBy] ?? p.updatedBy : ''}</small></span>,
            },
          ]}
        />
      </div>
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

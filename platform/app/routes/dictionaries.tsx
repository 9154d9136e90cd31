import { Link, useNavigate } from 'react-router';
import { Button, Card, Form, Input, Modal, Table, Tag } from 'antd';
import { useState } from 'react';
import type { Route } from './+types/dictionaries';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { runIntent } from '../lib/action.server.ts';
import { importDictionaryCsv, listDictionaries } from '../../server/services/dictionaries.server.ts';
import { parseInput } from '../../server/errors.server.ts';
import { codeSchema } from '../../shared/schemas/common.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';
import { useDateFormat } from '../lib/format.ts';
import { CsvImport } from '../components/csv-import.tsx';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.dictionaries');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Dictionary');
  return { dictionaries: await listDictionaries(context.app, actor) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    // A new dictionary starts as a draft imported from CSV.
    create: async (payload) => {
      const key = parseInput(codeSchema, form.get('key'));
      return { id: (await importDictionaryCsv(context.app, actor, key, payload)).key };
    },
  });
}

export default function Dictionaries({ loaderData }: Route.ComponentProps) {
  const { dictionaries } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const { can } = useShell();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ key: string; name: string; csv: string }>();
  const create = useIntent('create', {
    form, successKey: 'ui.common.created',
    onSuccess: (r) => { setCreating(false); if (r.id) navigate(`/dictionaries/${encodeURIComponent(r.id)}?draft=1`); },
  });
  type Dictionary = (typeof dictionaries)[number];

  return (
    <Card title={t('ui.nav.dictionaries')} size="small"
      extra={can['update:Dictionary'] ? <Button type="primary" onClick={() => setCreating(true)}>{t('ui.dictionaries.create')}</Button> : null}>
      <div data-testid="dictionaries-table">
        <Table<Dictionary>
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={dictionaries}
          scroll={{ x: 800 }}
          columns={[
            { title: t('ui.dictionaries.key'), dataIndex: 'key', render: (key: string) => <Link to={`/dictionaries/${encodeURIComponent(key)}`}>{key}</Link> },
            { title: t('ui.dictionaries.name'), dataIndex: 'name' },
            { title: t('ui.dictionaries.itemCount'), dataIndex: 'itemCount', align: 'right', width: 100 },
            {
              title: t('ui.dictionaries.versions'), key: 'versions', width: 220,
              render: (_, d) => (
                <>
                  {d.publishedVersion ? <Tag color="green">{t('definitionStatuses.published')} v{d.publishedVersion}</Tag> : null}
                  {d.draftVersion ? <Tag color="gold">{t('definitionStatuses.draft')} v{d.draftVersion}</Tag> : null}
                </>
              ),
            },
            { title: t('ui.common.updatedAt'), dataIndex: 'updatedAt', width: 150, render: (v: string) => dateTime(v) },
          ]}
        />
      </div>
      <Modal open={creating} title={t('ui.dictionaries.create')} onCancel={() => setCreating(false)} onOk={() => form.submit()}
        confirmLoading={create.busy} okText={t('ui.dictionaries.importDraft')} width={720}>
        <Form form={form} layout="vertical" onFinish={(v) => create.submit({ csv: v.csv, name: v.name }, { key: v.key })}>
          <Form.Item name="key" label={t('ui.dictionaries.key')} rules={[{ required: true, whitespace: true, max: 64 }]}><Input autoComplete="off" /></Form.Item>
          <Form.Item name="name" label={t('ui.dictionaries.name')} rules={[{ required: true, whitespace: true, max: 100 }]}><Input autoComplete="off" /></Form.Item>
          <CsvImport errors={create.error?.fields} />
        </Form>
      </Modal>
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

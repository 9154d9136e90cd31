import { Link, useNavigate } from 'react-router';
import { useState } from 'react';
import { Button, Card, Form, Input, Modal, Segmented, Space, Table, Tag, Typography } from 'antd';
import type { Route } from './+types/dictionary';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { formId, orRespond, runIntent } from '../lib/action.server.ts';
import { getDictionary, importDictionaryCsv, listDictionaries } from '../../server/services/dictionaries.server.ts';
import { publishDefinition } from '../../server/services/definitions.server.ts';
import type { DictionaryTreeNode } from '../../shared/schemas/dictionary-csv.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';
import { CsvImport } from '../components/csv-import.tsx';
import { PublishModal } from '../components/publish-modal.tsx';

export const meta: Route.MetaFunction = ({ matches, loaderData }) => pageTitle(matches, 'ui.nav.dictionaries', loaderData?.dictionary.name);

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Dictionary');
  const { app } = context;
  const summary = (await listDictionaries(app, actor)).find((d) => d.key === params.key) ?? null;
  // The draft is shown when asked for, or when nothing has been published yet.
  const draft = Boolean(summary?.draftId && (new URL(request.url).searchParams.get('draft') === '1' || summary.publishedVersion === null));
  const dictionary = await orRespond(actor.locale, () => getDictionary(app, actor, params.key, { draft }));
  return { summary, dictionary, draft };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    import: async (payload) => ({ id: (await importDictionaryCsv(context.app, actor, params.key, payload)).id }),
    publish: async (payload) => ({ id: (await publishDefinition(context.app, actor, formId(form), payload)).id }),
  });
}

/** Leaves have no expander: drop empty child lists. */
function rowsOf(nodes: readonly DictionaryTreeNode[]): (Omit<DictionaryTreeNode, 'children'> & { children?: ReturnType<typeof rowsOf> })[] {
  return nodes.map(({ children, ...item }) => (children.length ? { ...item, children: rowsOf(children) } : item));
}

export default function Dictionary({ loaderData }: Route.ComponentProps) {
  const { summary, dictionary, draft } = loaderData;
  const t = useT();
  const { can } = useShell();
  const [importing, setImporting] = useState(false);
  const [publishing, setPublishing] = useState<string | null>(null);
  const [form] = Form.useForm<{ csv: string; name?: string }>();
  const navigate = useNavigate();
  const key = encodeURIComponent(dictionary.key);
  const upload = useIntent('import', {
    form, successKey: 'ui.dictionaries.imported',
    onSuccess: () => { setImporting(false); form.resetFields(); navigate(`/dictionaries/${key}?draft=1`); },
  });
  const exportHref = `/api/v1/dictionaries/${key}/export.csv${draft ? '?draft=true' : ''}`;

  return (
    <Card size="small"
      title={<Space wrap><Link to="/dictionaries">{t('ui.nav.dictionaries')}</Link>/<span>{dictionary.name}</span><Typography.Text code>{dictionary.key}</Typography.Text></Space>}
      extra={
        <Space wrap>
          {summary?.publishedVersion && summary.draftVersion ? (
            <Segmented value={draft ? 'draft' : 'published'} options={[
              { value: 'published', label: <Link to={`/dictionaries/${key}`}>{t('definitionStatuses.published')} v{summary.publishedVersion}</Link> },
              { value: 'draft', label: <Link to={`/dictionaries/${key}?draft=1`}>{t('definitionStatuses.draft')} v{summary.draftVersion}</Link> },
            ]} />
          ) : <Tag color={draft ? 'gold' : 'green'}>{t(`definitionStatuses.${dictionary.status}`)} v{dictionary.version}</Tag>}
          <Button href={exportHref} data-testid="dictionary-export">{t('ui.dictionaries.export')}</Button>
          {can['update:Dictionary'] ? <Button onClick={() => setImporting(true)} data-testid="dictionary-import">{t('ui.dictionaries.import')}</Button> : null}
          {draft && can['publish:Definition'] ? <Button type="primary" onClick={() => setPublishing(dictionary.id)} data-testid="dictionary-publish">{t('ui.definitions.publish')}</Button> : null}
        </Space>
      }
    >
      <div data-testid="dictionary-items">
        <Table
          rowKey="code"
          size="small"
          dataSource={rowsOf(dictionary.tree)}
          pagination={false}
          scroll={{ x: 720 }}
          columns={[
            { title: t('ui.dictionaries.code'), dataIndex: 'code', width: 200 },
            { title: t('ui.dictionaries.name'), dataIndex: 'name' },
            { title: t('ui.dictionaries.nameEn'), dataIndex: 'nameEn' },
            { title: t('ui.dictionaries.kind'), dataIndex: 'kind', width: 100 },
            { title: t('ui.dictionaries.standardRef'), dataIndex: 'standardRef', width: 140 },
          ]}
        />
      </div>
      <Modal open={importing} title={t('ui.dictionaries.import')} onCancel={() => setImporting(false)} onOk={() => form.submit()}
        confirmLoading={upload.busy} okText={t('ui.dictionaries.importDraft')} width={720}>
        <Typography.Paragraph type="secondary">{t('ui.dictionaries.importHint')}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => upload.submit({ csv: v.csv, ...(v.name?.trim() ? { name: v.name.trim() } : {}) })}>
          <Form.Item name="name" label={t('ui.dictionaries.name')}><Input placeholder={dictionary.name} autoComplete="off" /></Form.Item>
          <CsvImport errors={upload.error?.fields} />
        </Form>
      </Modal>
      <PublishModal definitionId={publishing} title={t('ui.dictionaries.publishTitle', { name: dictionary.name })} onClose={() => setPublishing(null)} onPublished={() => navigate(`/dictionaries/${key}`)} />
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

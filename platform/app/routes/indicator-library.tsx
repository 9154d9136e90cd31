/**
 * 指标库 (评价指标管理, 001 §4.1.4 item 4): every third-level indicator with what the standard asks
 * the library to configure; an administrator edits one in a drawer — saved as its draft, checked
 * by the server (a formula error names its line and column), published with a comment.
 */
import { useState } from 'react';
import { Link, useRevalidator } from 'react-router';
import { Button, Card, Drawer, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { Route } from './+types/indicator-library';
import { requirePermission, requireCsrf } from '../lib/guard.server.ts';
import { orRespond, runIntent } from '../lib/action.server.ts';
import { can } from '../../server/access/guard.server.ts';
import { indicatorLibrary, publishLibraryDraft, saveLibraryEdits, type LibraryEntry } from '../../server/indicators/library.server.ts';
import { listGrids } from '../../server/services/grids.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.indicatorLibrary.title');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Indicator');
  return orRespond(actor.locale, async () => {
    const editor = can(actor, 'create', 'Definition');
    return {
      entries: await indicatorLibrary(context.app, actor),
      editor,
      mayPublish: can(actor, 'publish', 'Definition'),
      grids: editor && can(actor, 'read', 'Grid') ? (await listGrids(context.app, actor)).map((g) => ({ code: g.code, name: g.name })) : [],
    };
  });
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, context, 'create', 'Definition');
  const form = await requireCsrf(request, actor);
  const key = String(form.get('key') ?? '');
  return runIntent(actor, form, {
    save: async (payload) => ({ value: await saveLibraryEdits(context.app, actor, key, payload) }),
    publish: async (payload) => ({ value: await publishLibraryDraft(context.app, actor, key, payload) }),
  });
}

type Grid = { code: string; name: string };

function Editor({ entry, grids, onClose }: { entry: LibraryEntry; grids: Grid[]; onClose: () => void }) {
  const t = useT();
  const revalidator = useRevalidator();
  const current = (entry.draft ?? entry.published)!;
  const content = current.content;
  const [form] = Form.useForm();
  const save = useIntent('save', { form, successKey: 'ui.indicatorLibrary.saved', onSuccess: () => { void revalidator.revalidate(); onClose(); } });
  const submit = (values: { content: Record<string, unknown> & { targetOperator?: string; targetValue?: number | null } }) => {
    const { targetOperator, targetValue, ...rest } = values.content;
    save.submit({
      ...(entry.draft ? { expectedUpdatedAt: entry.draft.updatedAt } : {}),
      content: { ...rest, target: targetOperator && typeof targetValue === 'number' ? { operator: targetOperator, value: targetValue } : null },
    }, { key: entry.key });
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} data-testid="library-form" initialValues={{
      content: {
        name: content.name, description: content.description ?? '', formula: content.formula ?? '', score: content.score ?? null,
        scoring: content.scoring ?? '', scoringFormula: content.scoringFormula ?? '',
        targetOperator: content.target?.operator ?? '>=', targetValue: content.target?.value ?? null,
        basis: content.basis.map((item) => (item.source === 'inspection' ? { checklist: item.checklist, grids: item.grids ?? [], minPoints: item.minPoints ?? null } : null)),
      },
    }}>
      <Typography.Paragraph type="secondary">{content.code} · {t(`ui.indicators.collection.${content.collection}`)} · {content.period}</Typography.Paragraph>
      <Form.Item name={['content', 'name']} label={t('ui.indicatorLibrary.name')} rules={[{ required: true }]}><Input maxLength={200} /></Form.Item>
      <Form.Item name={['content', 'description']} label={t('ui.indicatorLibrary.description')}><Input.TextArea autoSize maxLength={4000} /></Form.Item>
      <Form.Item name={['content', 'formula']} label={t('ui.indicatorLibrary.formula')} rules={[{ required: true }]}>
        <Input.TextArea autoSize style={{ fontFamily: 'monospace' }} data-testid="library-formula" />
      </Form.Item>
      <Space wrap>
        <Form.Item name={['content', 'score']} label={t('ui.indicatorLibrary.score')}><InputNumber min={0} max={1000} data-testid="library-score" /></Form.Item>
        <Form.Item name={['content', 'targetOperator']} label={t('ui.indicatorLibrary.target')}>
          <Select style={{ width: 80 }} options={[{ value: '>=', label: '≥' }, { value: '<=', label: '≤' }]} />
        </Form.Item>
        <Form.Item name={['content', 'targetValue']} label=" "><InputNumber /></Form.Item>
      </Space>
      <Form.Item name={['content', 'scoring']} label={t('ui.indicatorLibrary.scoring')}><Input.TextArea autoSize maxLength={2000} /></Form.Item>
      <Form.Item name={['content', 'scoringFormula']} label={t('ui.indicatorLibrary.scoringFormula')} extra={t('ui.indicatorLibrary.scoringFormulaHint')}>
        <Input style={{ fontFamily: 'monospace' }} />
      </Form.Item>
      {content.basis.map((item, i) => (item.source === 'inspection' ? (
        <Card key={item.key} size="small" title={`${t('ui.indicatorLibrary.inspection')}：${item.name}`} style={{ marginBottom: 12 }}>
          <Form.Item name={['content', 'basis', i, 'checklist']} label={t('ui.indicatorLibrary.checklist')} rules={[{ required: true }]}>
            <Select mode="tags" tokenSeparators={['；']} />
          </Form.Item>
          <Form.Item name={['content', 'basis', i, 'grids']} label={t('ui.indicatorLibrary.grids')} extra={t('ui.indicatorLibrary.gridsHint')}>
            <Select mode="multiple" allowClear options={grids.map((g) => ({ value: g.code, label: `${g.code} ${g.name}` }))} data-testid="library-grids" />
          </Form.Item>
          <Form.Item name={['content', 'basis', i, 'minPoints']} label={t('ui.indicatorLibrary.minPoints')}><InputNumber min={1} max={200} precision={0} /></Form.Item>
        </Card>
      ) : null))}
      <Button type="primary" htmlType="submit" loading={save.busy} data-testid="library-save">{t('ui.indicatorLibrary.saveDraft')}</Button>
    </Form>
  );
}

function PublishButton({ entry }: { entry: LibraryEntry }) {
  const t = useT();
  const revalidator = useRevalidator();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ comment: string }>();
  const publish = useIntent('publish', { form, successKey: 'ui.indicatorLibrary.published', onSuccess: () => { setOpen(false); void revalidator.revalidate(); } });
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid="library-publish">{t('ui.indicatorLibrary.publish')}</Button>
      <Modal open={open} title={t('ui.indicatorLibrary.publish')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={publish.busy} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={(values) => publish.submit(values, { key: entry.key })}>
          <Form.Item name="comment" label={t('ui.indicatorLibrary.comment')} rules={[{ required: true }]}><Input.TextArea autoSize maxLength={500} data-testid="library-comment" /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export default function IndicatorLibrary({ loaderData }: Route.ComponentProps) {
  const { entries, editor, mayPublish, grids } = loaderData;
  const t = useT();
  const [editing, setEditing] = useState<string | null>(null);
  const entry = entries.find((e) => e.key === editing);
  const shown = (e: LibraryEntry) => (e.draft ?? e.published)!.content;
  return (
    <Card size="small" title={t('ui.indicatorLibrary.title')} data-testid="indicator-library">
      <Table<LibraryEntry> size="small" rowKey="key" dataSource={entries} scroll={{ x: true }} pagination={{ pageSize: 50, hideOnSinglePage: true }} columns={[
        { title: t('ui.indicatorLibrary.code'), key: 'code', render: (_, e) => <Link to={`/indicators/${encodeURIComponent(e.key)}`}>{shown(e).code}</Link> },
        { title: t('ui.indicatorLibrary.name'), key: 'name', render: (_, e) => shown(e).name },
        { title: t('ui.indicatorLibrary.method'), key: 'method', render: (_, e) => t(`ui.indicators.collection.${shown(e).collection}`) },
        { title: t('ui.indicatorLibrary.score'), key: 'score', render: (_, e) => <span data-testid="library-row-score">{shown(e).score ?? '—'}</span> },
        { title: t('ui.indicatorLibrary.formula'), key: 'formula', render: (_, e) => <Typography.Text code style={{ whiteSpace: 'normal' }}>{shown(e).formula}</Typography.Text> },
        { title: t('ui.indicatorLibrary.scoring'), key: 'scoring', render: (_, e) => shown(e).scoring ?? '—' },
        {
          title: t('ui.indicatorLibrary.inspection'), key: 'inspection', render: (_, e) => {
            const items = shown(e).basis.flatMap((item) => (item.source === 'inspection' ? [item] : []));
            if (!items.length) return '—';
            return items.map((item) => (
              <div key={item.key}>
                {t('ui.indicatorLibrary.checklist')}：{item.checklist.join('；')}<br />
                {t('ui.indicatorLibrary.grids')}：{item.grids?.join('、') ?? t('ui.indicatorLibrary.allGrids')}；{t('ui.indicatorLibrary.minPoints')}：{item.minPoints ?? 1}
              </div>
            ));
          },
        },
        {
          title: t('ui.indicatorLibrary.version'), key: 'version', render: (_, e) => (
            <Space size={4} wrap>
              {e.published ? <Tag color="green">v{e.published.version}</Tag> : null}
              {e.draft ? <Tag color="orange" data-testid="library-draft">{t('ui.indicatorLibrary.draft', { version: e.draft.version })}</Tag> : null}
            </Space>
          ),
        },
        ...(editor ? [{
          title: '', key: 'actions', render: (_: unknown, e: LibraryEntry) => (
            <Space size={4}>
              <Button size="small" onClick={() => setEditing(e.key)} data-testid="library-edit">{t('ui.indicatorLibrary.edit')}</Button>
              {e.draft && mayPublish ? <PublishButton entry={e} /> : null}
            </Space>
          ),
        }] : []),
      ]} />
      <Drawer open={Boolean(entry)} onClose={() => setEditing(null)} size="large" title={entry ? `${shown(entry).code} ${shown(entry).name}` : ''} destroyOnHidden>
        {entry ? <Editor entry={entry} grids={grids} onClose={() => setEditing(null)} /> : null}
      </Drawer>
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

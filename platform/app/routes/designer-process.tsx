/**
 * 流程设计器 for one process definition: opens its XML in the modeler; 保存 writes the draft (a
 * published version is never changed: saving it starts a new draft version), checked by the
 * definitions service; publishing stays on the definition's page (comment required, audited).
 */
import { Link, redirect, useNavigate } from 'react-router';
import { Alert, Card, Space, Tag } from 'antd';
import type { Route } from './+types/designer-process';
import { requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { orRespond, runIntent } from '../lib/action.server.ts';
import { createDraft, getDefinition, updateDraft } from '../../server/services/definitions.server.ts';
import { AppError } from '../../server/errors.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';
import { ProcessDesigner } from '../components/process-designer.tsx';
import { DefinitionStatusTag } from '../components/definition-status.tsx';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.designer.title');

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'create', 'Definition');
  const definition = await orRespond(actor.locale, () => getDefinition(context.app, actor, params.id));
  if (definition.kind !== 'process') throw redirect(`/definitions/${params.id}`);
  return { definition: { id: definition.id, key: definition.key, name: definition.name, version: definition.version, status: definition.status, updatedAt: definition.updatedAt, xml: (definition.content as { xml: string }).xml } };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = await requirePermission(request, context, 'create', 'Definition');
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    save: async (payload) => {
      const { xml, expectedUpdatedAt } = (payload ?? {}) as { xml?: unknown; expectedUpdatedAt?: unknown };
      if (typeof xml !== 'string') throw new AppError('validation_failed', {}, { fields: [{ field: 'content.xml', message: '#validation.inputRequired' }] });
      const current = await getDefinition(context.app, actor, params.id);
      if (current.status === 'draft') {
        return { id: (await updateDraft(context.app, actor, current.id, { content: { xml }, expectedUpdatedAt: typeof expectedUpdatedAt === 'string' ? expectedUpdatedAt : current.updatedAt })).id };
      }
      return { id: (await createDraft(context.app, actor, { kind: 'process', key: current.key, name: current.name, content: { xml } })).id };
    },
  });
}

export default function DesignerProcess({ loaderData }: Route.ComponentProps) {
  const { definition } = loaderData;
  const t = useT();
  const navigate = useNavigate();
  const save = useIntent('save', {
    successKey: 'ui.designer.saved',
    onSuccess: (result) => { if (result.id && result.id !== definition.id) void navigate(`/designer/process/${result.id}`, { replace: true }); else void navigate('.', { replace: true }); },
  });
  return (
    <Card size="small" data-testid="designer-page"
      title={<Space>{t('ui.designer.title')}<span>{definition.name}</span><Tag>{definition.key}</Tag><span>v{definition.version}</span><DefinitionStatusTag status={definition.status} /></Space>}
      extra={<Link to={`/definitions/${definition.id}`}>{t('ui.designer.toDefinition')}</Link>}>
      {definition.status !== 'draft' ? <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('ui.designer.newDraftHint')} /> : null}
      <ProcessDesigner xml={definition.xml} fileName={`${definition.key}.bpmn`} saving={save.busy}
        onSave={(xml) => save.submit({ xml, ...(definition.status === 'draft' ? { expectedUpdatedAt: definition.updatedAt } : {}) })} />
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';

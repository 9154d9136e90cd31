/** Edit or create a role (角色): name, data scope (数据范围) with its organisations and grids, rules. */
import { useEffect } from 'react';
import { Button, Col, Divider, Form, Input, Popconfirm, Radio, Row, Select, Tooltip } from 'antd';
import { DATA_SCOPES, type DataScope } from '../../shared/domain.ts';
import type { OrganisationOutput } from '../../shared/schemas/organisation.ts';
import type { RoleOutput } from '../../shared/schemas/role.ts';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { OrgTreeSelect } from './org-tree-select.tsx';
import { RuleRows, fromRuleRows, toRuleRows, type RuleRow } from './rule-rows.tsx';

interface RoleValues {
  code: string;
  name: string;
  description?: string | null;
  dataScope: DataScope;
  scopeOrgIds: string[];
  scopeGridIds: string[];
  rules: RuleRow[];
}

interface Props {
  role: RoleOutput | null;
  orgs: readonly OrganisationOutput[];
  grids: readonly { id: string; code: string; name: string }[];
  canSave: boolean;
  canDelete: boolean;
  onCreated: (id: string) => void;
  onDeleted: () => void;
}

const EMPTY: RoleValues = { code: '', name: '', description: '', dataScope: 'org', scopeOrgIds: [], scopeGridIds: [], rules: [] };

export function RoleEditor({ role, orgs, grids, canSave, canDelete, onCreated, onDeleted }: Props) {
  const t = useT();
  const [form] = Form.useForm<RoleValues>();
  const save = useIntent(role ? 'update' : 'create', {
    form, successKey: role ? 'ui.common.saved' : 'ui.common.created', onSuccess: (r) => { if (!role && r.id) onCreated(r.id); },
  });
  const remove = useIntent('delete', { successKey: 'ui.common.deleted', onSuccess: onDeleted });
  const dataScope = Form.useWatch('dataScope', form);
  // Start afresh for another role or a saved change; not on every revalidation (a failed save keeps the edits).
  useEffect(() => { form.resetFields(); }, [role?.id, role?.updatedAt, form]);

  const initialValues: RoleValues = role
    ? { ...role, description: role.description ?? '', rules: toRuleRows(role.rules) }
    : EMPTY;
  const finish = () => {
    // The whole store: rule rows carry conditions that have no visible field.
    const values = form.getFieldsValue(true) as RoleValues;
    const payload = {
      code: values.code, name: values.name, description: values.description?.trim() ? values.description.trim() : null,
      dataScope: values.dataScope, scopeOrgIds: values.dataScope === 'custom' ? values.scopeOrgIds : [],
      scopeGridIds: values.scopeGridIds ?? [], rules: fromRuleRows(values.rules ?? []),
    };
    save.submit(payload, role ? { id: role.id } : {});
  };

  return (
    <Form form={form} layout="vertical" initialValues={initialValues} onFinish={finish} disabled={!canSave} data-testid="role-form">
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="name" label={t('ui.roles.name')} rules={[{ required: true, whitespace: true, max: 100 }]}><Input /></Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="code" label={t('ui.roles.code')} rules={[{ required: true, whitespace: true, max: 64 }]}><Input /></Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item name="description" label={t('ui.roles.description')}><Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} /></Form.Item>
        </Col>
      </Row>
      <Divider titlePlacement="start">{t('ui.roles.dataScope')}</Divider>
      <Form.Item name="dataScope" rules={[{ required: true }]}>
        <Radio.Group options={DATA_SCOPES.map((s) => ({ value: s, label: t(`dataScopes.${s}`) }))} />
      </Form.Item>
      {dataScope === 'custom' ? (
        <Form.Item name="scopeOrgIds" label={t('ui.roles.scopeOrgs')} extra={t('ui.roles.scopeOrgsHint')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <OrgTreeSelect orgs={orgs} multiple />
        </Form.Item>
      ) : null}
      <Form.Item name="scopeGridIds" label={t('ui.roles.scopeGrids')} extra={t('ui.roles.scopeGridsHint')}>
        <Select mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} options={grids.map((g) => ({ value: g.id, label: `${g.code} ${g.name}` }))} />
      </Form.Item>
      <Divider titlePlacement="start">{t('ui.roles.rules')}</Divider>
      <RuleRows disabled={!canSave} />
      {canSave ? (
        <div style={{ display: 'flex', gap: 8, marginTop: 16, flexWrap: 'wrap' }}>
          <Button type="primary" htmlType="submit" loading={save.busy} data-testid="role-save">{role ? t('ui.common.save') : t('ui.common.create')}</Button>
          {role && canDelete ? (
            role.userCount > 0 ? (
              <Tooltip title={t('ui.roles.inUse', { count: role.userCount })}><Button danger disabled>{t('ui.common.delete')}</Button></Tooltip>
            ) : (
              <Popconfirm title={t('ui.roles.confirmDelete', { name: role.name })} onConfirm={() => remove.submit(undefined, { id: role.id })}>
                <Button danger loading={remove.busy}>{t('ui.common.delete')}</Button>
              </Popconfirm>
            )
          ) : null}
        </div>
      ) : null}
    </Form>
  );
}

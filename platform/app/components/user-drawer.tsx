/** Create or edit a person (人员): contact data, memberships with positions (岗位), roles. */
import { useEffect } from 'react';
import { Button, Checkbox, Col, Drawer, Form, Input, Row, Select, Space, Grid as AntGrid } from 'antd';
import { POSITIONS, type Position } from '../../shared/domain.ts';
import type { OrganisationOutput } from '../../shared/schemas/organisation.ts';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { OrgTreeSelect } from './org-tree-select.tsx';

export interface EditableUser {
  id: string;
  username: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  memberships: { orgId: string; position: Position; primary: boolean }[];
  roles: { id: string }[];
}

interface UserValues {
  username: string;
  displayName: string;
  phone?: string | null;
  email?: string | null;
  password?: string;
  memberships: { orgId: string; position: Position; primary?: boolean }[];
  roleIds: string[];
}

interface Props {
  /** null: closed; 'new': create; otherwise the person being edited. */
  user: EditableUser | 'new' | null;
  orgs: readonly OrganisationOutput[];
  roles: readonly { id: string; code: string; name: string }[];
  onClose: () => void;
}

function initialOf(user: EditableUser | 'new'): Partial<UserValues> {
  if (user === 'new') return { memberships: [{ orgId: undefined as unknown as string, position: 'handler', primary: true }], roleIds: [] };
  return { ...user, phone: user.phone ?? '', email: user.email ?? '', roleIds: user.roles.map((r) => r.id) };
}

export function UserDrawer({ user, orgs, roles, onClose }: Props) {
  const t = useT();
  const screens = AntGrid.useBreakpoint();
  const [form] = Form.useForm<UserValues>();
  const creating = user === 'new';
  const save = useIntent(creating ? 'create' : 'update', { form, successKey: creating ? 'ui.common.created' : 'ui.common.saved', onSuccess: onClose });
  useEffect(() => { if (user) form.resetFields(); }, [user, form]);

  const finish = (values: UserValues) => {
    const blank = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);
    const memberships = values.memberships.map((m) => ({ orgId: m.orgId, position: m.position, primary: Boolean(m.primary) }));
    const common = { displayName: values.displayName, phone: blank(values.phone), email: blank(values.email), memberships, roleIds: values.roleIds };
    if (creating) save.submit({ ...common, username: values.username, password: values.password });
    else if (user) save.submit(common, { id: user.id });
  };

  return (
    <Drawer
      open={Boolean(user)}
      onClose={onClose}
      size={screens.md ? 640 : '100%'}
      title={creating ? t('ui.users.create') : t('ui.users.edit')}
      extra={<Button type="primary" loading={save.busy} onClick={() => form.submit()} data-testid="user-save">{t('ui.common.save')}</Button>}
    >
      {user ? (
        <Form form={form} layout="vertical" initialValues={initialOf(user)} onFinish={finish} data-testid="user-form">
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="username" label={t('ui.users.username')} rules={[{ required: true, whitespace: true, max: 64 }]}>
                <Input disabled={!creating} autoComplete="off" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="displayName" label={t('ui.users.displayName')} rules={[{ required: true, whitespace: true, max: 100 }]}>
                <Input autoComplete="off" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="phone" label={t('ui.users.phone')}><Input autoComplete="off" /></Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="email" label={t('ui.users.email')} rules={[{ type: 'email' }]}><Input autoComplete="off" /></Form.Item>
            </Col>
            {creating ? (
              <Col xs={24}>
                <Form.Item name="password" label={t('ui.users.password')} extra={t('ui.users.passwordHint')} rules={[{ required: true, min: 8, max: 128 }]}>
                  <Input.Password autoComplete="new-password" />
                </Form.Item>
              </Col>
            ) : null}
          </Row>
          <Form.Item label={t('ui.users.memberships')} required>
            <Form.List name="memberships" rules={[{ validator: async (_, v: unknown[]) => { if (!v?.length) throw new Error(t('ui.users.membershipRequired')); } }]}>
              {(fields, { add, remove }, { errors }) => (
                <>
                  {fields.map((field) => (
                    <Row key={field.key} gutter={8} align="top">
                      <Col xs={24} md={11}>
                        <Form.Item name={[field.name, 'orgId']} rules={[{ required: true, message: t('ui.users.orgRequired') }]}>
                          <OrgTreeSelect orgs={orgs} placeholder={t('ui.users.organisation')} />
                        </Form.Item>
                      </Col>
                      <Col xs={14} md={7}>
                        <Form.Item name={[field.name, 'position']} rules={[{ required: true }]}>
                          <Select options={POSITIONS.map((p) => ({ value: p, label: t(`positions.${p}`) }))} placeholder={t('ui.users.position')} />
                        </Form.Item>
                      </Col>
                      <Col xs={10} md={6}>
                        <Space>
                          <Form.Item name={[field.name, 'primary']} valuePropName="checked"><Checkbox>{t('ui.users.primary')}</Checkbox></Form.Item>
                          <Form.Item><Button type="text" danger onClick={() => remove(field.name)} aria-label={t('ui.common.remove')}>✕</Button></Form.Item>
                        </Space>
                      </Col>
                    </Row>
                  ))}
                  <Button type="dashed" block onClick={() => add({ position: 'handler', primary: fields.length === 0 })}>{t('ui.users.addMembership')}</Button>
                  <Form.ErrorList errors={errors} />
                </>
              )}
            </Form.List>
          </Form.Item>
          <Form.Item name="roleIds" label={t('ui.users.roles')}>
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={roles.map((r) => ({ value: r.id, label: `${r.name} (${r.code})` }))} />
          </Form.Item>
        </Form>
      ) : null}
    </Drawer>
  );
}

/** The fields of an organisation (机构), shared by the edit panel and the 新建下级机构 form. */
import { Button, Col, Form, Input, InputNumber, Row, Select, type FormInstance } from 'antd';
import { ORG_KINDS, ORG_LEVELS, type OrgKind, type OrgLevel } from '../../shared/domain.ts';
import type { OrganisationOutput } from '../../shared/schemas/organisation.ts';
import { useT } from '../lib/i18n.tsx';
import { OrgTreeSelect } from './org-tree-select.tsx';

export interface OrganisationValues {
  parentId?: string | null;
  code: string;
  name: string;
  nameEn?: string | null;
  level: OrgLevel;
  kind: OrgKind;
  unitType?: string | null;
  sort?: number | null;
}

const NEXT_LEVEL: Record<OrgLevel, OrgLevel> = { city: 'district', district: 'street', street: 'community', community: 'department', department: 'department' };

/** Sensible defaults for a child of `parent`: the next level down, an administrative node unless a department. */
export function childDefaults(parent: OrganisationOutput | null): Partial<OrganisationValues> {
  const level = parent ? NEXT_LEVEL[parent.level] : 'city';
  return { parentId: parent?.id ?? null, level, kind: level === 'department' ? 'department' : 'admin', sort: 0 };
}

/** Empty optional texts mean "none"; an empty number is left out. */
export function toOrganisationPayload(values: OrganisationValues): OrganisationValues {
  const blank = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);
  return { ...values, nameEn: blank(values.nameEn), unitType: blank(values.unitType), sort: values.sort ?? undefined };
}

interface Props {
  form: FormInstance<OrganisationValues>;
  initialValues: Partial<OrganisationValues>;
  onFinish: (values: OrganisationValues) => void;
  busy: boolean;
  submitLabel: string;
  /** When editing: the organisations it may move under (itself and its subtree excluded). */
  parents?: readonly OrganisationOutput[];
  disabled?: boolean;
  testId?: string;
  /** Form name, prefixing the field ids; two forms on one page must not share ids. */
  name?: string;
  extra?: React.ReactNode;
}

export function OrganisationForm({ form, initialValues, onFinish, busy, submitLabel, parents, disabled, testId, name, extra }: Props) {
  const t = useT();
  const kind = Form.useWatch('kind', form);
  const half = { xs: 24, md: 12 };
  return (
    <Form form={form} name={name} layout="vertical" initialValues={initialValues} onFinish={onFinish} disabled={disabled} data-testid={testId}>
      <Row gutter={16}>
        {parents ? (
          <Col xs={24}>
            <Form.Item name="parentId" label={t('ui.organisations.parent')}>
              <OrgTreeSelect orgs={parents} placeholder={t('ui.organisations.noParent')} />
            </Form.Item>
          </Col>
        ) : null}
        <Col {...half}>
          <Form.Item name="name" label={t('ui.organisations.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
            <Input data-testid={testId ? 'org-name-input' : undefined} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="code" label={t('ui.organisations.code')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input data-testid={testId ? 'org-code-input' : undefined} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="nameEn" label={t('ui.organisations.nameEn')}>
            <Input autoComplete="off" />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="sort" label={t('ui.organisations.sort')}>
            <InputNumber min={0} max={100000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="level" label={t('ui.organisations.level')} rules={[{ required: true }]}>
            <Select options={ORG_LEVELS.map((l) => ({ value: l, label: t(`orgLevels.${l}`) }))} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="kind" label={t('ui.organisations.kind')} rules={[{ required: true }]}>
            <Select options={ORG_KINDS.map((k) => ({ value: k, label: t(`orgKinds.${k}`) }))} />
          </Form.Item>
        </Col>
        {kind === 'responsibleUnit' ? (
          <Col {...half}>
            <Form.Item name="unitType" label={t('ui.organisations.unitType')}>
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
        ) : null}
      </Row>
      {disabled ? null : (
        <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
          <Button type="primary" htmlType="submit" loading={busy} data-testid={testId ? 'org-submit' : undefined}>{submitLabel}</Button>
          {extra}
        </div>
      )}
    </Form>
  );
}

/** The rule editor of a role: rows of actions × subjects × optional fields, granted or denied (cannot). */
import { Button, Card, Col, Form, Row, Select, Space, Switch, Tooltip, Typography } from 'antd';
import { ACTIONS, SUBJECTS, type Action, type SubjectName } from '../../shared/domain.ts';
import { useT } from '../lib/i18n.tsx';

export interface RuleRow {
  action: Action[];
  subject: SubjectName[];
  fields?: string[];
  inverted?: boolean;
  /** Kept as they are: conditions are edited through the API, shown here read-only. */
  conditions?: Record<string, unknown>;
  reason?: string;
}

export function RuleRows({ disabled }: { disabled?: boolean }) {
  const t = useT();
  const actionOptions = ACTIONS.map((a) => ({ value: a, label: t(`actions.${a}`) }));
  const subjectOptions = SUBJECTS.map((s) => ({ value: s, label: t(`subjects.${s}`) }));
  return (
    <Form.List name="rules">
      {(fields, { add, remove }) => (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
          {fields.map((field, index) => (
            <Card key={field.key} size="small" data-testid="role-rule" title={t('ui.roles.ruleN', { n: index + 1 })}
              extra={
                <Space size={4}>
                  <Tooltip title={t('ui.roles.invertedHint')}><span>{t('ui.roles.inverted')}</span></Tooltip>
                  <Form.Item name={[field.name, 'inverted']} valuePropName="checked" noStyle><Switch size="small" data-testid="role-rule-inverted" /></Form.Item>
                  {disabled ? null : <Button type="link" danger size="small" onClick={() => remove(field.name)}>{t('ui.common.remove')}</Button>}
                </Space>
              }>
              <Row gutter={8}>
                <Col xs={24} md={8}>
                  <Form.Item name={[field.name, 'action']} label={t('ui.roles.actions')} rules={[{ required: true, type: 'array', min: 1 }]}>
                    <Select mode="multiple" options={actionOptions} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name={[field.name, 'subject']} label={t('ui.roles.subjects')} rules={[{ required: true, type: 'array', min: 1 }]}>
                    <Select mode="multiple" options={subjectOptions} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name={[field.name, 'fields']} label={t('ui.roles.fields')} tooltip={t('ui.roles.fieldsHint')}>
                    <Select mode="tags" tokenSeparators={[',', ' ']} />
                  </Form.Item>
                </Col>
                <Col xs={24}>
                  <Form.Item noStyle shouldUpdate>
                    {({ getFieldValue }) => {
                      const conditions = getFieldValue(['rules', field.name, 'conditions']) as unknown;
                      return conditions ? (
                        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
                          {t('ui.roles.conditions')}: <Typography.Text code>{JSON.stringify(conditions)}</Typography.Text>
                        </Typography.Paragraph>
                      ) : null;
                    }}
                  </Form.Item>
                </Col>
              </Row>
            </Card>
          ))}
          {disabled ? null : <Button type="dashed" block onClick={() => add({ action: ['read'], subject: [], inverted: false })}>{t('ui.roles.addRule')}</Button>}
        </div>
      )}
    </Form.List>
  );
}

const asArray = <T,>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Stored rules (one or many actions/subjects) → editor rows. */
export function toRuleRows(rules: readonly { action: Action | Action[]; subject: SubjectName | SubjectName[]; fields?: string[]; inverted?: boolean; conditions?: Record<string, unknown>; reason?: string }[]): RuleRow[] {
  return rules.map((r) => ({ ...r, action: asArray(r.action), subject: asArray(r.subject) }));
}

/** Editor rows → rules as the role schema expects them (no empty optional parts). */
export function fromRuleRows(rows: readonly RuleRow[]) {
  return rows.map((r) => ({
    action: r.action,
    subject: r.subject,
    ...(r.fields?.length ? { fields: r.fields } : {}),
    ...(r.inverted ? { inverted: true } : {}),
    ...(r.conditions ? { conditions: r.conditions } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  }));
}

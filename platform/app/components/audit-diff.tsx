/** Before/after of an audit entry side by side, changed fields highlighted. */
import { Descriptions, Table, Typography } from 'antd';
import { useT } from '../lib/i18n.tsx';

interface Props {
  before: unknown;
  after: unknown;
  detail: unknown;
  userAgent: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function AuditDiff({ before, after, detail, userAgent }: Props) {
  const t = useT();
  const b = isRecord(before) ? before : before == null ? {} : { value: before };
  const a = isRecord(after) ? after : after == null ? {} : { value: after };
  const rows = [...new Set([...Object.keys(b), ...Object.keys(a)])].map((field) => ({
    field, before: show(b[field]), after: show(a[field]), changed: show(b[field]) !== show(a[field]),
  }));
  return (
    <div data-testid="audit-diff">
      {rows.length ? (
        <Table
          rowKey="field"
          size="small"
          pagination={false}
          dataSource={rows}
          scroll={{ x: 640 }}
          onRow={(r) => ({ style: r.changed ? { background: '#fffbe6' } : undefined })}
          columns={[
            { title: t('ui.audit.field'), dataIndex: 'field', width: 160 },
            { title: t('ui.audit.before'), dataIndex: 'before', render: (v: string) => <Typography.Text style={{ wordBreak: 'break-all' }}>{v}</Typography.Text> },
            { title: t('ui.audit.after'), dataIndex: 'after', render: (v: string) => <Typography.Text style={{ wordBreak: 'break-all' }}>{v}</Typography.Text> },
          ]}
        />
      ) : null}
      <Descriptions size="small" column={1} style={{ marginTop: 8 }} items={[
        ...(detail != null ? [{ key: 'detail', label: t('ui.audit.detail'), children: <Typography.Text code style={{ wordBreak: 'break-all' }}>{show(detail)}</Typography.Text> }] : []),
        { key: 'ua', label: t('ui.audit.userAgent'), children: userAgent ?? '—' },
      ]} />
    </div>
  );
}

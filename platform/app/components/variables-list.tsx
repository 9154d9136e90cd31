/** Process variables as a readable key/value list: plain values as text, structures as JSON. */
import { Descriptions, Typography } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { formatJson } from '../lib/format.ts';

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <>—</>;
  if (typeof value === 'boolean') return <>{String(value)}</>;
  if (typeof value !== 'object') return <span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{String(value)}</span>;
  return <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{formatJson(value)}</pre>;
}

export function VariablesList({ variables }: { variables: Record<string, unknown> }) {
  const t = useT();
  const entries = Object.entries(variables).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <Typography.Text type="secondary">{t('ui.workflow.noVariables')}</Typography.Text>;
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 1, md: 2, xl: 3 }}
      data-testid="variables"
      items={entries.map(([key, value]) => ({ key, label: <Typography.Text code>{key}</Typography.Text>, children: <Value value={value} /> }))}
    />
  );
}

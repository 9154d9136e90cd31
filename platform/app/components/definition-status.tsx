import { Tag, Tooltip, Typography } from 'antd';
import type { DefinitionStatus } from '../../shared/domain.ts';
import { useT } from '../lib/i18n.tsx';

const COLORS: Record<DefinitionStatus, string> = { draft: 'gold', published: 'green', retired: 'default' };

export function DefinitionStatusTag({ status }: { status: DefinitionStatus }) {
  const t = useT();
  return <Tag color={COLORS[status]}>{t(`definitionStatuses.${status}`)}</Tag>;
}

/** SHA-256 checksums are long: the first characters identify a version, the tooltip has all. */
export function Checksum({ value }: { value: string | null }) {
  if (!value) return <span>—</span>;
  return <Tooltip title={value}><Typography.Text code copyable={{ text: value }}>{value.replace(/^sha256:/, '').slice(0, 12)}</Typography.Text></Tooltip>;
}

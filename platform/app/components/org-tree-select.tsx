import { TreeSelect, type TreeSelectProps } from 'antd';
import { useMemo } from 'react';
import type { OrganisationOutput } from '../../shared/schemas/organisation.ts';
import { orgTreeData } from '../lib/org-tree.ts';

type Props = Omit<TreeSelectProps, 'treeData'> & { orgs: readonly OrganisationOutput[] };

/** Pick one or several organisations from the visible tree; searchable by name or code. */
export function OrgTreeSelect({ orgs, ...props }: Props) {
  const treeData = useMemo(() => orgTreeData(orgs, (o) => `${o.name} (${o.code})`), [orgs]);
  return (
    <TreeSelect
      treeData={treeData}
      showSearch={{ treeNodeFilterProp: 'title' }}
      allowClear
      treeDefaultExpandAll={orgs.length <= 60}
      style={{ width: '100%' }}
      popupMatchSelectWidth={false}
      {...props}
    />
  );
}

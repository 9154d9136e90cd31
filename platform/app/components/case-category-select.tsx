import { useMemo } from 'react';
import { TreeSelect, type TreeSelectProps } from 'antd';
import { useLocale } from '../lib/i18n.tsx';
import { codeTree, type CodeItem } from '../lib/case-codes.ts';

type Props = Omit<TreeSelectProps, 'treeData'> & { categories: readonly CodeItem[] };

/**
 * A 部件/事件 category from the case-categories table: 大类 or 小类 (the case service takes
 * either; a 大类 also filters everything under it). Searchable by name.
 */
export function CaseCategorySelect({ categories, ...props }: Props) {
  const locale = useLocale();
  const treeData = useMemo(() => codeTree(categories, locale), [categories, locale]);
  return (
    <TreeSelect
      treeData={treeData}
      showSearch={{ treeNodeFilterProp: 'title' }}
      allowClear
      style={{ width: '100%' }}
      popupMatchSelectWidth={false}
      {...props}
    />
  );
}

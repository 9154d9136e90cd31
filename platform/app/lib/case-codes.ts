/**
 * The case code tables (case-sources, case-categories) for display: names in the UI language,
 * a category with its 大类 (e.g. 公用设施 / 供水井盖), and the category tree for pickers.
 */
import type { Locale } from '../../shared/i18n/index.ts';

export interface CodeItem {
  code: string;
  name: string;
  nameEn?: string;
  parentCode?: string;
}

export interface CodeTreeNode {
  value: string;
  title: string;
  children: CodeTreeNode[];
}

export const itemName = (item: CodeItem, locale: Locale): string => (locale === 'en' && item.nameEn ? item.nameEn : item.name);

/** Display names by code; an item under a parent is shown with the parent's name in front. */
export function codeLabels(items: readonly CodeItem[], locale: Locale): Record<string, string> {
  const byCode = new Map(items.map((item) => [item.code, item]));
  const labels: Record<string, string> = {};
  for (const item of items) {
    const parent = item.parentCode ? byCode.get(item.parentCode) : undefined;
    labels[item.code] = parent ? `${itemName(parent, locale)} / ${itemName(item, locale)}` : itemName(item, locale);
  }
  return labels;
}

/** Items nested under their parents in the table's order; an unknown parent makes a root. */
export function codeTree(items: readonly CodeItem[], locale: Locale): CodeTreeNode[] {
  const nodes = new Map(items.map((item) => [item.code, { value: item.code, title: itemName(item, locale), children: [] as CodeTreeNode[] }]));
  const roots: CodeTreeNode[] = [];
  for (const item of items) {
    const node = nodes.get(item.code) as CodeTreeNode;
    const parent = item.parentCode ? nodes.get(item.parentCode) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

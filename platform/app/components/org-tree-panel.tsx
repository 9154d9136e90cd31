/** The organisation tree (机构树) with a filter box; selecting a node selects it for the page. */
import { useEffect, useMemo, useState } from 'react';
import { Input, Tag, Tree } from 'antd';
import type { OrganisationOutput } from '../../shared/schemas/organisation.ts';
import { orgTreeData, type OrgNode } from '../lib/org-tree.ts';
import { useT } from '../lib/i18n.tsx';

interface Props {
  orgs: readonly OrganisationOutput[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

/** Keeps matching nodes and their ancestors. */
function filterTree(nodes: OrgNode[], match: (o: OrganisationOutput) => boolean): OrgNode[] {
  return nodes.flatMap((node) => {
    const children = filterTree(node.children ?? [], match);
    return match(node.org) || children.length ? [{ ...node, children: children.length ? children : undefined }] : [];
  });
}

function keysOf(nodes: OrgNode[]): string[] {
  return nodes.flatMap((n) => [n.key, ...keysOf(n.children ?? [])]);
}

function ancestorsOf(orgs: readonly OrganisationOutput[], id: string | null): string[] {
  const org = orgs.find((o) => o.id === id);
  return org ? org.path.split('/').filter((p) => p && p !== org.id) : [];
}

export function OrgTreePanel({ orgs, selectedId, onSelect }: Props) {
  const t = useT();
  const [filter, setFilter] = useState('');
  const tree = useMemo(() => orgTreeData(orgs), [orgs]);
  const [expanded, setExpanded] = useState<string[]>(() => [...tree.map((n) => n.key), ...ancestorsOf(orgs, selectedId)]);
  // A node selected from elsewhere (a link, a newly created child) is revealed.
  useEffect(() => {
    const path = ancestorsOf(orgs, selectedId);
    setExpanded((keys) => (path.every((k) => keys.includes(k)) ? keys : [...new Set([...keys, ...path])]));
  }, [orgs, selectedId]);

  const text = filter.trim().toLowerCase();
  const shown = text ? filterTree(tree, (o) => o.name.toLowerCase().includes(text) || o.code.toLowerCase().includes(text)) : tree;
  const titleRender = (node: OrgNode) => (
    <span>
      <span data-testid="org-node-name">{node.org.name}</span>{' '}
      {node.org.kind === 'admin'
        ? <Tag style={{ marginInlineStart: 4 }}>{t(`orgLevels.${node.org.level}`)}</Tag>
        : <Tag style={{ marginInlineStart: 4 }} color={node.org.kind === 'responsibleUnit' ? 'orange' : 'blue'}>{t(`orgKinds.${node.org.kind}`)}</Tag>}
    </span>
  );
  return (
    <div>
      <Input.Search allowClear placeholder={t('ui.organisations.filter')} onChange={(e) => setFilter(e.target.value)} style={{ marginBottom: 8 }} />
      <div data-testid="org-tree" style={{ maxHeight: '70vh', overflow: 'auto' }}>
        <Tree<OrgNode>
          blockNode
          treeData={shown}
          titleRender={titleRender}
          selectedKeys={selectedId ? [selectedId] : []}
          expandedKeys={text ? keysOf(shown) : expanded}
          onExpand={(keys) => { if (!text) setExpanded(keys.map(String)); }}
          onSelect={(keys) => { if (keys[0]) onSelect(String(keys[0])); }}
        />
      </div>
    </div>
  );
}

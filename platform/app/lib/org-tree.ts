/** The organisation list (ordered by path) as antd tree data; roots are nodes whose parent is not visible. */
import type { OrganisationOutput } from '../../shared/schemas/organisation.ts';

export interface OrgNode {
  key: string;
  value: string;
  title: string;
  org: OrganisationOutput;
  children?: OrgNode[];
}

/** Areas first (区/县, 街道…), then departments, then responsible units; then by sort order and code. */
const KIND_ORDER: Record<OrganisationOutput['kind'], number> = { admin: 0, department: 1, responsibleUnit: 2 };

export function orgTreeData(orgs: readonly OrganisationOutput[], label: (o: OrganisationOutput) => string = (o) => o.name): OrgNode[] {
  const nodes = new Map<string, OrgNode>();
  for (const org of orgs) nodes.set(org.id, { key: org.id, value: org.id, title: label(org), org });
  const roots: OrgNode[] = [];
  for (const org of orgs) {
    const node = nodes.get(org.id)!;
    const parent = org.parentId ? nodes.get(org.parentId) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  const order = (a: OrgNode, b: OrgNode) => KIND_ORDER[a.org.kind] - KIND_ORDER[b.org.kind] || a.org.sort - b.org.sort || a.org.code.localeCompare(b.org.code);
  const sortAll = (list: OrgNode[]) => {
    list.sort(order);
    for (const n of list) if (n.children) sortAll(n.children);
  };
  sortAll(roots);
  return roots;
}

/** Ids of an organisation and everything below it (paths are '/root/…/self/'). */
export function subtreeIds(orgs: readonly OrganisationOutput[], rootId: string): Set<string> {
  const root = orgs.find((o) => o.id === rootId);
  if (!root) return new Set();
  return new Set(orgs.filter((o) => o.path.startsWith(root.path)).map((o) => o.id));
}

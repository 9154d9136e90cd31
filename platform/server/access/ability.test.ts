import { describe, expect, it } from 'vitest';
import { buildAbility, subjectOf } from './ability.server.ts';
import { accessibleWhere } from './sql-scope.server.ts';
import type { RoleForAbility } from './ability.server.ts';

const role = (over: Partial<RoleForAbility>): RoleForAbility => ({
  code: 'r', rules: [{ action: 'read', subject: 'User' }], dataScope: 'all', scopeOrgIds: [], scopeGridIds: [], ...over,
});

describe('abilities from roles and data scope', () => {
  it('given a subtree scope, when checking people, then only members of the subtree are visible', () => {
    const ability = buildAbility({ userId: 'me', roles: [role({ dataScope: 'orgAndBelow', scopeOrgIds: ['d1', 's1'] })] });
    expect(ability.can('read', subjectOf('User', { id: 'u2', orgIds: ['s1'] }))).toBe(true);
    expect(ability.can('read', subjectOf('User', { id: 'u3', orgIds: ['d2'] }))).toBe(false);
  });

  it('given the self scope, when checking people, then only the person themself is visible', () => {
    const ability = buildAbility({ userId: 'me', roles: [role({ dataScope: 'self' })] });
    expect(ability.can('read', subjectOf('User', { id: 'me', orgIds: [] }))).toBe(true);
    expect(ability.can('read', subjectOf('User', { id: 'other', orgIds: [] }))).toBe(false);
  });

  it('given two roles, when merged, then a grant from either role applies', () => {
    const ability = buildAbility({ userId: 'me', roles: [
      role({ dataScope: 'org', scopeOrgIds: ['a'] }),
      role({ code: 'r2', rules: [{ action: 'update', subject: 'Grid' }], dataScope: 'custom', scopeOrgIds: ['b'] }),
    ] });
    expect(ability.can('read', subjectOf('User', { id: 'x', orgIds: ['a'] }))).toBe(true);
    expect(ability.can('update', subjectOf('Grid', { id: 'g', orgId: 'b' }))).toBe(true);
    expect(ability.can('update', subjectOf('Grid', { id: 'g', orgId: 'a' }))).toBe(false);
  });

  it('given manage all with a district scope, when checking scoped subjects, then the scope still applies', () => {
    const ability = buildAbility({ userId: 'me', roles: [role({ rules: [{ action: 'manage', subject: 'all' }], dataScope: 'orgAndBelow', scopeOrgIds: ['d1'] })] });
    expect(ability.can('delete', subjectOf('Organisation', { id: 'd1' }))).toBe(true);
    expect(ability.can('delete', subjectOf('Organisation', { id: 'd2' }))).toBe(false);
    expect(ability.can('read', 'Dictionary')).toBe(true);
  });

  it('given an inverted rule, when checking, then it overrides the broader grant', () => {
    const ability = buildAbility({ userId: 'me', roles: [role({ rules: [{ action: 'manage', subject: 'all' }, { action: 'read', subject: 'AuditLog', inverted: true }] })] });
    expect(ability.can('read', 'AuditLog')).toBe(false);
    expect(ability.can('read', 'User')).toBe(true);
  });

  it('given a grid restriction, when checking grids, then only listed grids are visible', () => {
    const ability = buildAbility({ userId: 'me', roles: [role({ rules: [{ action: 'read', subject: 'Grid' }], scopeGridIds: ['g1'] })] });
    expect(ability.can('read', subjectOf('Grid', { id: 'g1', orgId: 'x' }))).toBe(true);
    expect(ability.can('read', subjectOf('Grid', { id: 'g2', orgId: 'x' }))).toBe(false);
  });

  it('given token scopes, when building, then grants outside the scopes are dropped', () => {
    const ability = buildAbility({ userId: 'me', tokenScopes: ['read:User'], roles: [role({ rules: [{ action: 'manage', subject: 'all' }] })] });
    expect(ability.can('read', 'User')).toBe(true);
    expect(ability.can('create', 'User')).toBe(false);
    expect(ability.can('read', 'Organisation')).toBe(false);
  });

  it('given field rules, when checking a field, then other fields are denied', () => {
    const ability = buildAbility({ userId: 'me', roles: [role({ rules: [{ action: 'read', subject: 'User', fields: ['displayName'] }] })] });
    expect(ability.can('read', 'User', 'displayName')).toBe(true);
    expect(ability.can('read', 'User', 'phone')).toBe(false);
  });
});

describe('abilities to SQL filters', () => {
  const columnLike = (name: string) => ({ name }) as never;
  it('given no grant, when building a filter, then access is forbidden', () => {
    const ability = buildAbility({ userId: 'me', roles: [] });
    expect(() => accessibleWhere(ability, 'read', 'User', {})).toThrow('forbidden');
  });

  it('given an unscoped grant, when building a filter, then there is no restriction', () => {
    const ability = buildAbility({ userId: 'me', roles: [role({})] });
    expect(accessibleWhere(ability, 'read', 'User', { id: columnLike('id') })).toBeUndefined();
  });

  it('given a scoped grant on an unmapped field, when building a filter, then it fails loudly instead of widening access', () => {
    const ability = buildAbility({ userId: 'me', roles: [role({ dataScope: 'org', scopeOrgIds: ['a'] })] });
    expect(() => accessibleWhere(ability, 'read', 'User', {})).toThrow(/No SQL mapping/);
  });
});

/**
 * Who the built-in `notify` service task reaches: role holders, optionally within organisations
 * an expression names — and nobody when that expression names none (a case not yet dispatched
 * must not notify every handler of the city).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { recipientsOf } from '../services/notifications.server.ts';

let t: TestApp;
let tenantId: string;
beforeAll(async () => { t = await createTestApp(); tenantId = await t.tenantId(); });
afterAll(() => t.close());

describe('notify recipients', () => {
  it('given handlers across the city, when the group names a responsible unit, then only that unit\'s handlers are reached', async () => {
    const everyone = await recipientsOf(t.app, tenantId, { roles: ['handler'] });
    const unit = await recipientsOf(t.app, tenantId, { roles: ['handler'], organisationIds: [await t.orgId('demo-dh-lq-zfzd')] });
    expect(unit).toContain(await t.userId('dh.handler2'));
    expect(unit).not.toContain(await t.userId('xl.handler1'));
    expect(everyone.length).toBeGreaterThan(unit.length);
  });

  it('given a group limited to organisations, when the expression names none, then nobody is reached rather than everyone', async () => {
    expect(await recipientsOf(t.app, tenantId, { roles: ['handler'], organisationIds: [] })).toEqual([]);
    expect(await recipientsOf(t.app, tenantId, { positions: ['handler'], organisationIds: [] })).toEqual([]);
  });

  it('given another city\'s organisation, when named, then none of this city\'s people are reached', async () => {
    expect(await recipientsOf(t.app, tenantId, { roles: ['handler'], organisationIds: [await t.orgId('other-yxzx')] })).toEqual([]);
  });
});

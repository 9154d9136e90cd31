import { describe, expect, it } from 'vitest';
import { TenantCodes } from './tenants.ts';

describe('city codes of device-mqtt', () => {
  it('given many messages arriving at once after a start, when they look up their city, then they share one lookup and all find it', async () => {
    let lookups = 0;
    const codes = new TenantCodes({
      list: async () => { lookups++; await new Promise((r) => setTimeout(r, 20)); return [{ id: 't1', code: 'demo', name: '示范市' }]; },
      byCode: async () => undefined,
    });
    const found = await Promise.all(Array.from({ length: 50 }, () => codes.idOf('demo')));
    expect(found.every((id) => id === 't1')).toBe(true);
    expect(lookups).toBe(1);
    expect(await codes.codeOf('t1')).toBe('demo');
  });

  it('given an unknown code, when asked again at once, then the list is not reloaded until 10 s passed', async () => {
    let lookups = 0;
    let clock = 0;
    const codes = new TenantCodes({ list: async () => { lookups++; return []; }, byCode: async () => undefined }, () => clock);
    expect(await codes.idOf('nowhere')).toBeUndefined();
    expect(await codes.idOf('nowhere')).toBeUndefined();
    expect(lookups).toBe(1);
    clock = 10_001;
    await codes.idOf('nowhere');
    expect(lookups).toBe(2);
  });
});

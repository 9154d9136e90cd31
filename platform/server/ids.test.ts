import { describe, expect, it } from 'vitest';
import { newId } from './ids.server.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('record ids (UUIDv7, RFC 9562 section 5.7)', () => {
  it('given many ids made at once, then each is a version-7 RFC 9562 UUID, all differ, and they sort in creation order', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (const id of ids.slice(0, 100)) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('given an id, then its first 48 bits are the creation time in milliseconds', () => {
    const before = Date.now();
    const id = newId();
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    // A burst of more than 4096 ids in one millisecond borrows the next milliseconds.
    expect(ms).toBeLessThanOrEqual(Date.now() + 20);
  });
});

import { describe, expect, it } from 'vitest';
import { hashPassword, passwordPolicyViolations, verifyPassword } from './passwords.server.ts';

describe('password hashing and policy (GB/T 22239 level 2 identity authentication)', () => {
  it('given a hashed password, when verifying, then only the same password matches and the hash is salted scrypt', async () => {
    const a = await hashPassword('Secret#2026');
    const b = await hashPassword('Secret#2026');
    expect(a).toMatch(/^scrypt\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Secret#2026', a)).toBe(true);
    expect(await verifyPassword('secret#2026', a)).toBe(false);
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('given weak passwords, when checked, then each broken rule is named', () => {
    expect(passwordPolicyViolations('Ab1!').map((v) => v.key)).toContain('passwordPolicy.tooShort');
    expect(passwordPolicyViolations('abcdefgh').map((v) => v.key)).toContain('passwordPolicy.classes');
    expect(passwordPolicyViolations('Zhang.San2026', 'zhang.san').map((v) => v.key)).toContain('passwordPolicy.containsUsername');
    expect(passwordPolicyViolations('A'.repeat(60) + 'a1!' + 'x'.repeat(80)).map((v) => v.key)).toContain('passwordPolicy.tooLong');
    expect(passwordPolicyViolations('Good#Pass2026', 'admin')).toEqual([]);
  });
});

/**
 * Password hashing (scrypt, memory-hard) and the password policy required for GB/T 22239
 * level 2 identity authentication (身份鉴别): length and complexity, no username inside.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...PARAMS, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [scheme, n, r, p, saltB64, keyB64] = stored.split('$');
  if (scheme !== 'scrypt' || !saltB64 || !keyB64) return false;
  const expected = Buffer.from(keyB64, 'base64');
  const actual = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-Aa1!');
  return dummyHash;
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Returns catalog keys (with params) of the policy rules the password breaks; empty when fine. */
export function passwordPolicyViolations(password: string, username?: string): { key: string; params?: Record<string, unknown> }[] {
  const violations: { key: string; params?: Record<string, unknown> }[] = [];
  if (password.length < PASSWORD_MIN) violations.push({ key: 'passwordPolicy.tooShort', params: { min: PASSWORD_MIN } });
  if (password.length > PASSWORD_MAX) violations.push({ key: 'passwordPolicy.tooLong', params: { max: PASSWORD_MAX } });
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) violations.push({ key: 'passwordPolicy.classes' });
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    violations.push({ key: 'passwordPolicy.containsUsername' });
  }
  return violations;
}

import { randomBytes, randomUUID } from 'node:crypto';

/** Record ids: random UUIDs, valid in both dialects and safe to generate on any node. */
export const newId = (): string => randomUUID();

/** Secret tokens (sessions, API tokens): 256 bits, URL-safe. */
export const newSecret = (prefix = ''): string => prefix + randomBytes(32).toString('base64url');

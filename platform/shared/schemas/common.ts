/** Building blocks for input schemas (universal: server validation and browser forms). */
import { z } from 'zod';

/** Codes: letters, digits, '-', '_', '.'; no spaces or markup. */
export const codeSchema = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: '#validation.code' });
/** Human names: trimmed, no control characters or angle brackets. */
export const nameSchema = z.string().trim().min(1).max(100).regex(/^[^<>\u0000-\u001f]*$/, { message: '#validation.name' });
export const idSchema = z.string().min(1).max(64);
export const idParams = z.object({ id: idSchema });
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
export const searchText = z.string().trim().max(100).optional();

export interface Page<T> {
  items: T[];
  total: number;
}

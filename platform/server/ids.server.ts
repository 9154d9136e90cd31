import { randomBytes, randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = Buffer.alloc(8 * 512);
let poolOffset = pool.length;
let lastMs = -1;
let sequence = 0;

/**
 * Record ids: UUIDv7 (RFC 9562) — a 48-bit millisecond timestamp, a 12-bit sequence that keeps
 * ids from one process in order within a millisecond, and 62 random bits. Valid in both
 * dialects and safe to generate on any node, like random UUIDs, but time-ordered: new rows land
 * at the right edge of every primary-key and foreign-key index instead of on a random page, so
 * a transaction dirties (and writes to the WAL) a few pages rather than one per index entry.
 * The timestamp reveals when a record was created, which its own created-at column says anyway.
 */
export function newId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    // Start low in the range so a burst within one millisecond rarely runs out of sequence.
    sequence = nextRandom(0) & 0x3ff;
  } else {
    ms = lastMs;
    if (++sequence > 0xfff) {
      // 4096 ids in one millisecond: borrow the next one rather than break the order.
      ms = ++lastMs;
      sequence = 0;
    }
  }
  const offset = take();
  const b = pool;
  const high = Math.floor(ms / 0x10000);
  const low = ms % 0x10000;
  const time = high.toString(16).padStart(8, '0') + '-' + low.toString(16).padStart(4, '0');
  const seq = `7${sequence.toString(16).padStart(3, '0')}`;
  const variant = HEX[0x80 | (b[offset] & 0x3f)] + HEX[b[offset + 1]];
  const node = HEX[b[offset + 2]] + HEX[b[offset + 3]] + HEX[b[offset + 4]] + HEX[b[offset + 5]] + HEX[b[offset + 6]] + HEX[b[offset + 7]];
  return `${time}-${seq}-${variant}-${node}`;
}

/** Offset of 8 fresh random bytes in the pool (refilled 512 ids at a time: one syscall, not one per id). */
function take(): number {
  if (poolOffset + 8 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const offset = poolOffset;
  poolOffset += 8;
  return offset;
}

function nextRandom(index: number): number {
  const offset = take();
  return pool[offset + index] | (pool[offset + index + 1] << 8);
}

/** Secret tokens (sessions, API tokens): 256 bits, URL-safe. */
export const newSecret = (prefix = ''): string => prefix + randomBytes(32).toString('base64url');

import crypto from 'node:crypto';

/**
 * Random values taken from a pool filled a few kilobytes at a time. Asking the system for a few
 * bytes at every request (a CSP nonce, a CSRF cookie) costs a system call each, which is dear on
 * virtual machines. The bytes are as unpredictable either way, and each is used once.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `size` random bytes (at most 256), encoded. */
export function pooledRandom(size: number, encoding: 'base64' | 'base64url'): string {
  if (!Number.isInteger(size) || size < 1 || size > 256) throw new RangeError(`size ${size}`);
  if (offset + size > pool.length) {
    pool = crypto.randomBytes(POOL_BYTES);
    offset = 0;
  }
  const value = pool.toString(encoding, offset, offset + size);
  offset += size;
  return value;
}

// Small crypto helpers shared by keys, codes, sessions and client secrets.
import { createHash, hash, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * Bytes from the CSPRNG drawn 4 KiB at a time (as Node's randomUUID caches its own): one OpenSSL call per
 * ~100 tokens instead of one each — a flow mints five or six. Bytes handed out are zeroed in the pool, so
 * no secret stays in it.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** `bytes` fresh random bytes (a copy: the caller owns it). */
export function secureRandomBytes(bytes: number): Buffer {
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.alloc(bytes));
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + bytes));
  pool.fill(0, poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return out;
}

/** URL-safe random string of `bytes` bytes of entropy (32 bytes = 256 bits). */
export function randomToken(bytes = 32): string {
  return secureRandomBytes(bytes).toString('base64url');
}

/** SHA-256 hex digest: how secrets (keys, codes, session ids, client secrets) are stored. */
export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex'); // one-shot: no Hash object per call (every bearer request hashes its key)
}

/** BASE64URL(SHA256(value)) — RFC 7636 §4.2 S256. */
export function sha256Base64Url(value: string): string {
  return createHash('sha256').update(value, 'ascii').digest('base64url');
}

/** Constant-time string comparison (lengths may differ; that alone is not secret). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

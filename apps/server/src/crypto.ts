// Small crypto helpers shared by keys, codes, sessions and client secrets.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random string of `bytes` bytes of entropy (32 bytes = 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex digest: how secrets (keys, codes, session ids, client secrets) are stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
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

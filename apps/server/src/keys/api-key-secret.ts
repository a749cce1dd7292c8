// The API key format: `rmt_` + 43 base62 characters (256 random bits) + 6 base62 characters of CRC-32
// checksum. The checksum lets the bearer hot path reject typos and garbage without touching the database,
// and lets secret scanners recognise real keys.
import { crc32 } from 'node:zlib';
import { secureRandomBytes } from '../crypto.ts';

export const API_KEY_PREFIX = 'rmt_';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 43; // ceil(256 / log2(62))
const CHECKSUM_LENGTH = 6; // ceil(32 / log2(62))
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

function toBase62(value: bigint, length: number): string {
  let out = '';
  let n = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

/** The CRC-32 of the body in base62: as toBase62, in plain numbers (a 32-bit value needs no BigInt; hot path). */
function checksum(body: string): string {
  let out = '';
  let n = crc32(body);
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** A fresh key secret: ≥ 256 bits from the CSPRNG (design rule). Shown once, never stored. */
export function mintApiKeySecret(): string {
  const body = toBase62(BigInt(`0x${secureRandomBytes(32).toString('hex')}`), BODY_LENGTH);
  return `${API_KEY_PREFIX}${body}${checksum(body)}`;
}

/** Shape and checksum check, no I/O. */
export function isWellFormedApiKey(secret: string): boolean {
  if (!KEY_PATTERN.test(secret)) return false;
  const body = secret.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + BODY_LENGTH);
  return secret.endsWith(checksum(body));
}

/** What the API Keys page shows: enough to recognise a key, useless to use it. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, API_KEY_PREFIX.length + 8);
}

// The API key format (src/keys/api-key-secret.ts): `rmt_` + 43 base62 characters + a 6-character base62
// CRC-32 checksum, checked on the bearer hot path before any I/O.
import { describe, expect, it } from 'vitest';
import { displayPrefix, isWellFormedApiKey, mintApiKeySecret } from '../src/keys/api-key-secret.ts';

describe('API key secrets', () => {
  it('accepts keys whose checksum is the base62 CRC-32 of the body (fixed vectors)', () => {
    expect(isWellFormedApiKey('rmt_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ0')).toBe(true);
    expect(isWellFormedApiKey(`rmt_${'0'.repeat(43)}2CZclj`)).toBe(true);
  });

  it('mints well-formed, distinct keys', () => {
    const keys = Array.from({ length: 200 }, () => mintApiKeySecret());
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) {
      expect(key).toMatch(/^rmt_[0-9A-Za-z]{49}$/);
      expect(isWellFormedApiKey(key)).toBe(true);
      expect(displayPrefix(key)).toBe(key.slice(0, 12));
    }
  });

  it('refuses a key with any one character changed, a wrong length or another prefix', () => {
    const key = mintApiKeySecret();
    for (let i = 4; i < key.length; i++) {
      const changed = key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
      expect(isWellFormedApiKey(changed), `position ${i}`).toBe(false);
    }
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}0`)).toBe(false);
    expect(isWellFormedApiKey(`rmx_${key.slice(4)}`)).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
  });
});

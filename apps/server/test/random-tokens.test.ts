// Random tokens (crypto.ts): bytes from the CSPRNG drawn through a pool. Every draw has the length asked for,
// is the caller's own copy, and no two draws repeat — across pool refills and beyond the pool's size.
import { describe, expect, it } from 'vitest';
import { randomToken, secureRandomBytes } from '../src/crypto.ts';

describe('secureRandomBytes', () => {
  it('returns fresh bytes of the length asked for, across many pool refills and beyond the pool size', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const bytes = secureRandomBytes(1 + (i % 48)); // uneven sizes: draws straddle every refill boundary
      expect(bytes).toHaveLength(1 + (i % 48));
      if (bytes.length >= 16) seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe([...Array(2_000).keys()].filter((i) => 1 + (i % 48) >= 16).length);
    expect(secureRandomBytes(10_000)).toHaveLength(10_000);
    expect(secureRandomBytes(10_000).equals(secureRandomBytes(10_000))).toBe(false);
  });

  it('hands out copies: a draw keeps its bytes while the pool is refilled, and is never the zeroed pool', () => {
    const kept = secureRandomBytes(32);
    const snapshot = Buffer.from(kept);
    expect(kept.equals(Buffer.alloc(32))).toBe(false);
    for (let i = 0; i < 300; i++) secureRandomBytes(32); // more than two pool refills
    expect(kept.equals(snapshot)).toBe(true);
  });

  it('randomToken is base64url of the bytes asked for (32 bytes → 43 characters)', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomToken()).not.toBe(randomToken());
  });
});

// How long a Client ID Metadata Document stays cached (oauth/client-metadata-document.ts cacheLifetimeMs):
// RFC 9111 freshness from Cache-Control max-age, else Expires − Date, clamped to 1 min – 24 h.
import { describe, expect, it } from 'vitest';
import { CACHE_DEFAULT_MS, CACHE_MAX_MS, CACHE_MIN_MS, cacheLifetimeMs } from '../src/oauth/client-metadata-document.ts';

const NOW = Date.parse('2026-12-02T05:00:00Z');

describe('metadata document cache lifetime', () => {
  it.each([
    [{ 'cache-control': 'public, max-age=600' }, 600_000],
    [{ 'cache-control': 'max-age=5' }, CACHE_MIN_MS],
    [{ 'cache-control': 'max-age=31536000' }, CACHE_MAX_MS],
    [{ 'cache-control': 'no-store' }, CACHE_MIN_MS],
    [{ 'cache-control': 'private, no-cache' }, CACHE_MIN_MS],
    [{ 'cache-control': 'max-age=600', expires: 'Wed, 02 Dec 2026 05:00:30 GMT' }, 600_000], // max-age wins
    [{ expires: 'Wed, 02 Dec 2026 07:00:00 GMT', date: 'Wed, 02 Dec 2026 05:00:00 GMT' }, 2 * 3_600_000],
    [{ expires: 'Wed, 02 Dec 2026 05:30:00 GMT' }, 30 * 60_000], // no Date: from now
    [{ expires: 'Thu, 01 Jan 1970 00:00:00 GMT' }, CACHE_MIN_MS],
    [{ expires: 'not a date' }, CACHE_DEFAULT_MS],
    [{}, CACHE_DEFAULT_MS],
  ])('%j → %i ms', (headers, expected) => {
    expect(cacheLifetimeMs(headers, NOW)).toBe(expected);
  });
});

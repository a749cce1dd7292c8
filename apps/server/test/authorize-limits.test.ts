// Issue 11 finding 4: /authorize stored unlimited pending requests. A per-IP window (shared by every instance
// through the KV) and the contract's bounds on what one request may store.
import { createPkcePair } from '@reminderit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { MemoryKv } from '../src/store/kv/memory-kv.ts';
import { authorizeQuery, register } from './support/flow.ts';
import { type TestApp, useTestApp } from './support/test-app.ts';

const LIMITS = { RATE_LIMIT_AUTHORIZE_MAX: '3', RATE_LIMIT_AUTHORIZE_WINDOW_SECONDS: '60' };

describe('GET /authorize limits', () => {
  const clock = new ManualClock(Date.now());
  const kv = new MemoryKv({ clock });
  let query: string;
  // Two instances over one KV (and one database), as behind a load balancer; the KV is closed after both.
  afterAll(() => kv.close());
  const a = useTestApp({ env: LIMITS, kv, clock });
  const b = useTestApp(() => ({ env: LIMITS, kv, clock, db: a.db }));
  beforeAll(async () => {
    query = authorizeQuery((await register(a)).clientId, (await createPkcePair()).codeChallenge);
  });

  const hit = (t: TestApp, ip: string, q = query) => t.app.inject({ method: 'GET', url: `/authorize?${q}`, remoteAddress: ip });

  it('rate limits per client IP across instances [429 rate_limited with Retry-After], then lets the window pass', async () => {
    expect((await hit(a, '203.0.113.20')).statusCode).toBe(302);
    expect((await hit(b, '203.0.113.20')).statusCode).toBe(302);
    expect((await hit(a, '203.0.113.20')).statusCode).toBe(302);
    const limited = await hit(b, '203.0.113.20');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.headers.location).toBeUndefined();
    // Another IP has its own budget; the same IP gets one back once the window is over.
    expect((await hit(a, '203.0.113.21')).statusCode).toBe(302);
    clock.advance(60_000);
    expect((await hit(a, '203.0.113.20')).statusCode).toBe(302);
  });

  it('defaults to a generous 120 requests a minute', () => {
    expect(a.config.rateLimits.authorize).toEqual({ max: 3, windowSeconds: 60 });
    // What an app built without RATE_LIMIT_AUTHORIZE_* gets (buildTestApp reads the config the same way).
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).rateLimits.authorize).toEqual({ max: 120, windowSeconds: 60 });
  });

  it.each([
    ['state', { state: 's'.repeat(1025) }],
    ['redirect_uri', { redirect_uri: `http://127.0.0.1:1/${'a'.repeat(2000)}` }],
    ['scope', { scope: 'reminders:read '.repeat(70) }],
  ])('refuses a %s longer than the contract allows before storing anything [400 invalid_request]', async (_what, extra) => {
    const client = await register(a);
    const long = authorizeQuery(client.clientId, (await createPkcePair()).codeChallenge, extra);
    const res = await hit(a, '203.0.113.30', long);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_request');
  });
});

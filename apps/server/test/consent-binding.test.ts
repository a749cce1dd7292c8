// Issue 11 finding 1: a pending consent request belongs to the browser that opened /authorize and then to its
// user; anyone else gets the unknown-request answer and the owner's request stays pending.
import { createPkcePair } from '@reminderit/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { authorizeQuery, register, requestIdFrom, type SignedIn, signUpUser } from './support/flow.ts';
import { buildTestApp, useTestApp } from './support/test-app.ts';

describe('pending consent requests are bound to their browser and user', () => {
  const t = useTestApp();
  let query: string;
  beforeAll(async () => {
    query = authorizeQuery((await register(t)).clientId, (await createPkcePair()).codeChallenge);
  });

  /** GET /authorize from a browser holding `cookies`; returns the request id and the binding cookie pair. */
  async function open(cookies: string[] = []) {
    const res = await t.app.inject({ method: 'GET', url: `/authorize?${query}`, headers: cookies.length ? { cookie: cookies.join('; ') } : {} });
    expect(res.statusCode).toBe(302);
    const binding = res.cookies.find((c) => c.name === 'rmt_consent');
    expect(binding).toBeDefined();
    return { requestId: requestIdFrom(res.headers.location as string), binding: `rmt_consent=${binding!.value}`, res };
  }
  const read = (requestId: string, user: SignedIn, binding?: string) =>
    t.app.inject({ method: 'GET', url: `/api/consent/${requestId}`, headers: { cookie: [user.cookie, binding].filter(Boolean).join('; ') } });
  const answer = (requestId: string, user: SignedIn, binding?: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/consent/${requestId}`,
      headers: { cookie: [user.cookie, binding].filter(Boolean).join('; '), 'x-csrf-token': user.csrf },
      payload: { decision: 'allow' },
    });
  const unknown = async (user: SignedIn) => (await read('abcdefghijklmnopqrstuvwxyz0123456789', user)).json();

  it('sets an HttpOnly, SameSite=Lax binding cookie and stores only its hash', async () => {
    const { res, binding } = await open();
    const cookie = res.cookies.find((c) => c.name === 'rmt_consent')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: t.config.authRequestTtlSeconds });
    expect(cookie.secure).toBeFalsy(); // plain-http development origin (PUBLIC_URL http://localhost:3000)
    const stored = await t.kv.get(`authreq:${requestIdFrom(res.headers.location as string)}`);
    expect(stored).not.toContain(binding.split('=')[1]);
  });

  it('uses a __Host- cookie with Secure when PUBLIC_URL is https', async () => {
    const https = await buildTestApp({ env: { PUBLIC_URL: 'https://rmt.example' } });
    try {
      const q = authorizeQuery((await register(https)).clientId, (await createPkcePair()).codeChallenge);
      const res = await https.app.inject({ method: 'GET', url: `/authorize?${q}` });
      const cookie = res.cookies.find((c) => c.name === '__Host-rmt_consent');
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
      expect(cookie).not.toHaveProperty('domain');
    } finally {
      await https.close();
    }
  });

  it('refuses another signed-in user, who has not opened it, as if the request did not exist [404]', async () => {
    const { requestId, binding } = await open(); // the victim, signed out, is sent to log in
    const attacker = await signUpUser(t);
    const seen = await read(requestId, attacker);
    expect(seen.statusCode).toBe(404);
    expect(seen.json()).toEqual(await unknown(attacker));
    const answered = await answer(requestId, attacker);
    expect(answered.statusCode).toBe(404);
    expect(answered.json()).toEqual(await unknown(attacker));
    // The owner's request is untouched: the victim logs in in the browser that opened it and answers it.
    const victim = await signUpUser(t);
    expect((await read(requestId, victim, binding)).statusCode).toBe(200);
    expect((await answer(requestId, victim, binding)).statusCode).toBe(200);
  });

  it('binds the request to the first user who reads it from its browser; another account there is refused', async () => {
    const { requestId, binding } = await open();
    const owner = await signUpUser(t);
    expect((await read(requestId, owner, binding)).statusCode).toBe(200);
    // Same browser (same binding cookie), someone else signs in: no longer theirs to see or answer.
    const other = await signUpUser(t);
    expect((await read(requestId, other, binding)).statusCode).toBe(404);
    expect((await answer(requestId, other, binding)).statusCode).toBe(404);
    expect((await answer(requestId, owner, binding)).statusCode).toBe(200);
  });

  it('binds a request opened while signed in to that user at once', async () => {
    const owner = await signUpUser(t);
    const { requestId, binding } = await open([owner.cookie]);
    const other = await signUpUser(t);
    // Not even with the owner's browser cookie: the request is the owner's.
    expect((await read(requestId, other, binding)).statusCode).toBe(404);
    expect((await answer(requestId, other, binding)).statusCode).toBe(404);
    expect((await read(requestId, owner)).statusCode).toBe(200);
    expect((await answer(requestId, owner)).statusCode).toBe(200);
  });

  it('keeps the browser cookie across several flows, so parallel requests in one browser all stay valid', async () => {
    const first = await open();
    const second = await open([first.binding]);
    expect(second.binding).toBe(first.binding);
    const owner = await signUpUser(t);
    expect((await read(first.requestId, owner, first.binding)).statusCode).toBe(200);
    expect((await read(second.requestId, owner, first.binding)).statusCode).toBe(200);
  });

  it('refuses a forged binding cookie [404]', async () => {
    const { requestId } = await open();
    const user = await signUpUser(t);
    expect((await read(requestId, user, `rmt_consent=${'A'.repeat(43)}`)).statusCode).toBe(404);
  });
});

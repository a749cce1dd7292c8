// Accounts and sessions of the consent app: sign up, log in, the session cookie, log out.
import { hash } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { users } from '../src/store/db/schema.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { buildTestApp, type TestApp, useTestApp } from './support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

interface Res {
  statusCode: number;
  headers: Record<string, unknown>;
  cookies?: { name: string; value: string }[];
  json(): any;
}

let emailCounter = 0;
const freshEmail = () => `user${++emailCounter}-${Date.now()}@example.com`;

function signUp(t: TestApp, email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/auth/signup', headers, payload: { email, password } });
}

function logIn(t: TestApp, email: string, password = PASSWORD, opts: { headers?: Record<string, string>; ip?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: opts.headers ?? {},
    remoteAddress: opts.ip,
    payload: { email, password },
  });
}

function currentSession(t: TestApp, cookie?: string) {
  return t.app.inject({ method: 'GET', url: '/api/auth/session', headers: cookie ? { cookie } : {} });
}

function logOut(t: TestApp, cookie: string, csrf?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: csrf === undefined ? { cookie } : { cookie, 'x-csrf-token': csrf },
  });
}

/** The session's Set-Cookie header of a response (sign-in also sets the known-device cookie). */
function setCookie(res: Res): string {
  const header = res.headers['set-cookie'];
  const session = [header].flat().filter((h): h is string => typeof h === 'string' && h.startsWith('rmt_session='));
  expect(session).toHaveLength(1);
  return session[0]!;
}

/** `rmt_device=<token>` from a sign-in response. */
function deviceCookieOf(res: Res): string {
  const cookie = res.cookies?.find((c) => c.name === 'rmt_device');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  return `rmt_device=${cookie!.value}`;
}

/** `rmt_session=<id>` to send back, from a response's Set-Cookie. */
function sessionCookieOf(res: Res): string {
  const pair = setCookie(res).split(';', 1)[0]!;
  expect(pair).toMatch(/^rmt_session=[A-Za-z0-9_-]{32,}$/);
  return pair;
}

function attributesOf(header: string): string[] {
  return header
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());
}

async function signedUp(t: TestApp, email = freshEmail()) {
  const res = await signUp(t, email);
  expect(res.statusCode).toBe(201);
  return { email, cookie: sessionCookieOf(res), csrf: res.json().csrf_token as string, userId: res.json().user.id as string };
}

describe('sign up', () => {
  const t = useTestApp({ env: { RATE_LIMIT_LOGIN_MAX: '1000' } });

  it('creates the account and answers 201 with the user and a CSRF token', async () => {
    const email = freshEmail();
    const res = await signUp(t, email);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['csrf_token', 'user']);
    expect(body.user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(body.user.email).toBe(email);
    expect(new Date(body.user.created_at).toISOString()).toBe(body.user.created_at);
    expect(body.csrf_token.length).toBeGreaterThanOrEqual(16);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('signs the new account in: session cookie HttpOnly, SameSite=Lax, Path=/, with Max-Age, no Secure over http', async () => {
    const res = await signUp(t, freshEmail());
    const header = setCookie(res);
    sessionCookieOf(res);
    const attrs = attributesOf(header);
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
    expect(attrs).toContain('path=/');
    expect(attrs).toContain(`max-age=${t.config.sessionTtlSeconds}`);
    expect(attrs).not.toContain('secure');
  });

  it('marks the session cookie Secure when PUBLIC_URL is https', async () => {
    const https = await buildTestApp({ env: { PUBLIC_URL: 'https://auth.reminderit.test' } });
    try {
      const res = await signUp(https, freshEmail());
      expect(res.statusCode).toBe(201);
      const attrs = attributesOf(setCookie(res));
      expect(attrs).toContain('secure');
      expect(attrs).toContain('httponly');
      expect(attrs).toContain('samesite=lax');
    } finally {
      await https.close();
    }
  });

  it('stores the email lowercased', async () => {
    const email = freshEmail();
    const res = await signUp(t, email.toUpperCase());
    expect(res.statusCode).toBe(201);
    expect(res.json().user.email).toBe(email);
  });

  it('rejects a second account for the same email, whatever its case (409 conflict)', async () => {
    const email = freshEmail();
    expect((await signUp(t, email)).statusCode).toBe(201);
    expectOAuthError(await signUp(t, email), 409, 'conflict');
    expectOAuthError(await signUp(t, email.toUpperCase(), 'another long password'), 409, 'conflict');
  });

  it('stores an argon2id hash of the password (OWASP parameters), never the password', async () => {
    const email = freshEmail();
    await signUp(t, email);
    const [row] = await t.db.db.select().from(users).where(eq(users.email, email));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$/);
    expect(row!.passwordHash).not.toContain(PASSWORD);
  });

  it('rejects a password shorter than the contract allows (400 invalid_request)', async () => {
    expectOAuthError(await signUp(t, freshEmail(), 'short'), 400, 'invalid_request');
  });

  it('refuses a sign-up from a foreign Origin (403 forbidden) [login CSRF]', async () => {
    const res = await signUp(t, freshEmail(), PASSWORD, { origin: 'https://evil.example' });
    expectOAuthError(res, 403, 'forbidden');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('accepts a sign-up from its own Origin', async () => {
    const res = await signUp(t, freshEmail(), PASSWORD, { origin: 'http://localhost:3000' });
    expect(res.statusCode).toBe(201);
  });
});

describe('log in', () => {
  const t = useTestApp({ env: { RATE_LIMIT_LOGIN_MAX: '1000' } });

  it('answers 200 with the user, a fresh CSRF token and a new session cookie', async () => {
    const account = await signedUp(t);
    const res = await logIn(t, account.email);
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ id: account.userId, email: account.email });
    expect(res.json().csrf_token).not.toBe(account.csrf);
    const cookie = sessionCookieOf(res);
    expect(cookie).not.toBe(account.cookie);
    expect(attributesOf(setCookie(res))).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
  });

  it('matches the email case-insensitively', async () => {
    const account = await signedUp(t);
    const res = await logIn(t, account.email.toUpperCase());
    expect(res.statusCode).toBe(200);
  });

  it('rejects a wrong password and an unknown email with the same 401 unauthorized', async () => {
    const account = await signedUp(t);
    const wrongPassword = await logIn(t, account.email, 'not the right password');
    const unknownEmail = await logIn(t, freshEmail());
    expectOAuthError(wrongPassword, 401, 'unauthorized');
    expectOAuthError(unknownEmail, 401, 'unauthorized');
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
    expect(wrongPassword.headers['set-cookie']).toBeUndefined();
    expect(unknownEmail.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a log-in from a foreign Origin (403 forbidden) [login CSRF]', async () => {
    const account = await signedUp(t);
    expectOAuthError(await logIn(t, account.email, PASSWORD, { headers: { origin: 'https://evil.example' } }), 403, 'forbidden');
    expectOAuthError(await logIn(t, account.email, PASSWORD, { headers: { origin: 'null' } }), 403, 'forbidden');
  });

  it('rehashes a password stored with earlier parameters on a successful log-in, and only then [upgrading the work factor]', async () => {
    const account = await signedUp(t);
    // The parameters this server used before (OWASP's m=19456 t=2): such a hash still verifies.
    const earlier = await hash(PASSWORD, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    await t.db.db.update(users).set({ passwordHash: earlier }).where(eq(users.id, account.userId));
    const storedHash = async () => (await t.db.db.select().from(users).where(eq(users.id, account.userId)))[0]!.passwordHash;

    expectOAuthError(await logIn(t, account.email, 'not the right password'), 401, 'unauthorized');
    expect(await storedHash()).toBe(earlier);

    expect((await logIn(t, account.email)).statusCode).toBe(200);
    const upgraded = await storedHash();
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$/);
    expect((await logIn(t, account.email)).statusCode).toBe(200);
    expect(await storedHash()).toBe(upgraded);
  });

  it('ends a session the browser already held, so a planted session id is never signed in [session fixation]', async () => {
    const account = await signedUp(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: account.cookie },
      payload: { email: account.email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expectOAuthError(await currentSession(t, account.cookie), 401, 'unauthorized');
    expect((await currentSession(t, sessionCookieOf(res))).statusCode).toBe(200);
  });
});

describe('log-in rate limit', () => {
  const t = useTestApp({ env: { RATE_LIMIT_LOGIN_MAX: '3', RATE_LIMIT_LOGIN_WINDOW_SECONDS: '60' } });
  // Every test starts in a fresh window (sign-ups are limited per IP too).
  beforeEach(() => t.clock.advance(60_000));

  it('answers 429 rate_limited with Retry-After once an IP spends its budget, even for the right password', async () => {
    const account = await signedUp(t);
    const ip = '203.0.113.1';
    for (let i = 0; i < 3; i++) {
      expectOAuthError(await logIn(t, freshEmail(), PASSWORD, { ip }), 401, 'unauthorized');
    }
    const limited = await logIn(t, account.email, PASSWORD, { ip });
    expectOAuthError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['set-cookie']).toBeUndefined();
  });

  it('limits guesses at one email across many IPs', async () => {
    const account = await signedUp(t);
    for (let i = 0; i < 3; i++) {
      expectOAuthError(await logIn(t, account.email, 'not the right password', { ip: `198.51.100.${i + 1}` }), 401, 'unauthorized');
    }
    expectOAuthError(await logIn(t, account.email, PASSWORD, { ip: '198.51.100.99' }), 429, 'rate_limited');
  });

  it('lets the IP try again once the window has passed', async () => {
    const account = await signedUp(t);
    const ip = '203.0.113.2';
    for (let i = 0; i < 3; i++) await logIn(t, freshEmail(), PASSWORD, { ip });
    expectOAuthError(await logIn(t, account.email, PASSWORD, { ip }), 429, 'rate_limited');
    t.clock.advance(60_000);
    expect((await logIn(t, account.email, PASSWORD, { ip })).statusCode).toBe(200);
  });
});

// Issue 11 finding 5: ten wrong passwords from anywhere used to lock the owner out from every IP.
describe('log-in lock-out protection (known devices)', () => {
  const t = useTestApp({ env: { RATE_LIMIT_LOGIN_MAX: '3', RATE_LIMIT_LOGIN_WINDOW_SECONDS: '60' } });
  beforeEach(() => t.clock.advance(60_000));

  /** An attacker spends the account's anonymous budget from many IPs. */
  async function flood(email: string) {
    for (let i = 0; i < 4; i++) await logIn(t, email, 'not the right password', { ip: `198.51.100.${50 + i}` });
    expectOAuthError(await logIn(t, email, PASSWORD, { ip: '198.51.100.60' }), 429, 'rate_limited');
  }

  it("lets a device that signed in before still sign in while the account's shared budget is spent", async () => {
    const account = await signedUp(t);
    t.clock.advance(60_000);
    const first = await logIn(t, account.email, PASSWORD, { ip: '203.0.113.40' });
    expect(first.statusCode).toBe(200);
    const device = deviceCookieOf(first);
    await flood(account.email);
    // The owner's browser, even from another IP: its own budget.
    const again = await logIn(t, account.email, PASSWORD, { ip: '203.0.113.41', headers: { cookie: device } });
    expect(again.statusCode).toBe(200);
    // The cookie is rotated on every sign-in: the old token is forgotten.
    const rotated = deviceCookieOf(again);
    expect(rotated).not.toBe(device);
    expectOAuthError(await logIn(t, account.email, PASSWORD, { ip: '203.0.113.42', headers: { cookie: device } }), 429, 'rate_limited');
    expect((await logIn(t, account.email, PASSWORD, { ip: '203.0.113.42', headers: { cookie: rotated } })).statusCode).toBe(200);
  });

  it('counts a known device as the device that signed up, too', async () => {
    const res = await signUp(t, freshEmail());
    const device = deviceCookieOf(res);
    const email = res.json().user.email as string;
    await flood(email);
    expect((await logIn(t, email, PASSWORD, { ip: '203.0.113.43', headers: { cookie: device } })).statusCode).toBe(200);
  });

  it('still throttles guesses from a known device, on its own budget', async () => {
    const account = await signedUp(t);
    const device = deviceCookieOf(await logIn(t, account.email, PASSWORD, { ip: '203.0.113.44' }));
    t.clock.advance(60_000);
    for (let i = 0; i < 3; i++) {
      expectOAuthError(
        await logIn(t, account.email, 'not the right password', { ip: `203.0.113.${45 + i}`, headers: { cookie: device } }),
        401,
        'unauthorized',
      );
    }
    expectOAuthError(await logIn(t, account.email, PASSWORD, { ip: '203.0.113.49', headers: { cookie: device } }), 429, 'rate_limited');
    // …which is not the account's shared budget: an unknown device may still try.
    expect((await logIn(t, account.email, PASSWORD, { ip: '203.0.113.50' })).statusCode).toBe(200);
  });

  it('gives no budget for another account: a device cookie counts only for the account it signed in to', async () => {
    const mine = await signedUp(t);
    const victim = await signedUp(t);
    const device = deviceCookieOf(await logIn(t, mine.email, PASSWORD, { ip: '203.0.113.51' }));
    t.clock.advance(60_000);
    await flood(victim.email);
    expectOAuthError(await logIn(t, victim.email, PASSWORD, { ip: '203.0.113.52', headers: { cookie: device } }), 429, 'rate_limited');
    expectOAuthError(await logIn(t, victim.email, PASSWORD, { ip: '203.0.113.53', headers: { cookie: 'rmt_device=forged' } }), 429, 'rate_limited');
  });
});

describe('current session', () => {
  const t = useTestApp({ env: { RATE_LIMIT_LOGIN_MAX: '1000' } });

  it('reads the session back from the cookie: same user, same CSRF token', async () => {
    const account = await signedUp(t);
    const res = await currentSession(t, account.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { id: account.userId, email: account.email }, csrf_token: account.csrf });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 401 unauthorized without a session cookie', async () => {
    expectOAuthError(await currentSession(t), 401, 'unauthorized');
  });

  it('answers 401 unauthorized for a forged or garbage session cookie', async () => {
    expectOAuthError(await currentSession(t, 'rmt_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 401, 'unauthorized');
    expectOAuthError(await currentSession(t, `rmt_session=${'x'.repeat(500)}`), 401, 'unauthorized');
    expectOAuthError(await currentSession(t, 'rmt_session='), 401, 'unauthorized');
  });

  it('expires the session after SESSION_TTL_SECONDS', async () => {
    const account = await signedUp(t);
    t.clock.advance(t.config.sessionTtlSeconds * 1000 - 1000);
    expect((await currentSession(t, account.cookie)).statusCode).toBe(200);
    t.clock.advance(1000);
    expectOAuthError(await currentSession(t, account.cookie), 401, 'unauthorized');
  });
});

describe('log out', () => {
  const t = useTestApp({ env: { RATE_LIMIT_LOGIN_MAX: '1000' } });

  it('ends the session (204) and clears the cookie; the old cookie no longer works', async () => {
    const account = await signedUp(t);
    const res = await logOut(t, account.cookie, account.csrf);
    expect(res.statusCode).toBe(204);
    const header = setCookie(res);
    expect(header).toMatch(/^rmt_session=;/);
    const attrs = attributesOf(header);
    expect(attrs).toContain('max-age=0');
    expect(attrs).toContain('path=/');
    expect(attrs).toContain('httponly');
    expectOAuthError(await currentSession(t, account.cookie), 401, 'unauthorized');
  });

  it('requires the X-CSRF-Token header (400 invalid_request) and keeps the session', async () => {
    const account = await signedUp(t);
    expectOAuthError(await logOut(t, account.cookie), 400, 'invalid_request');
    expect((await currentSession(t, account.cookie)).statusCode).toBe(200);
  });

  it('rejects a wrong CSRF token (403 forbidden) and keeps the session', async () => {
    const account = await signedUp(t);
    const other = await signedUp(t);
    expectOAuthError(await logOut(t, account.cookie, other.csrf), 403, 'forbidden');
    expect((await currentSession(t, account.cookie)).statusCode).toBe(200);
  });

  it('answers 401 unauthorized without a session', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { 'x-csrf-token': 'a'.repeat(43) } });
    expectOAuthError(res, 401, 'unauthorized');
  });
});

describe('secrets in logs', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('never logs passwords, session ids or CSRF tokens', async () => {
    t = await buildTestApp();
    const email = freshEmail();
    const signUpRes = await signUp(t, email);
    const logInRes = await logIn(t, email);
    await logIn(t, email, 'a wrong password, also secret');
    const cookie = sessionCookieOf(logInRes);
    await currentSession(t, cookie);
    await logOut(t, cookie, logInRes.json().csrf_token);

    const logs = t.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      PASSWORD,
      'a wrong password, also secret',
      sessionCookieOf(signUpRes).split('=')[1]!,
      cookie.split('=')[1]!,
      signUpRes.json().csrf_token,
      logInRes.json().csrf_token,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});

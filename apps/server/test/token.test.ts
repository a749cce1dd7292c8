// POST /token and POST /revoke: the design's rules for codes, PKCE, client authentication and keys.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/crypto.ts';
import { apiKeys, auditEvents } from '../src/store/db/schema.ts';
import type { Kv } from '../src/store/kv/kv.ts';
import { testBackends } from './support/backends.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { CLAUDE_CALLBACK, callMcp, exchange, exchangeCode, obtainCode, register } from './support/flow.ts';
import { buildTestApp, useTestApp } from './support/test-app.ts';

describe('POST /token', () => {
  const t = useTestApp();

  it('exchanges a code + verifier for a fresh rmt_ key, no-store, that opens /mcp', async () => {
    const issued = await obtainCode(t);
    const res = await exchangeCode(t, issued);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    const body = res.json();
    expect(body).toEqual({ access_token: expect.stringMatching(/^rmt_[0-9A-Za-z]{49}$/), token_type: 'Bearer', scope: 'reminders:read reminders:write' });
    expect((await callMcp(t, body.access_token)).statusCode).toBe(200);
  });

  it('stores only the SHA-256 of the key, labelled after the trusted-list entry', async () => {
    const issued = await obtainCode(t);
    const { access_token } = (await exchangeCode(t, issued)).json();
    const rows = await t.db.db.select().from(apiKeys).where(eq(apiKeys.userId, issued.user.userId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.label).toBe('Claude (web connector)');
    expect(rows[0]!.clientId).toBe(issued.client.clientId);
    expect(rows[0]!.resource).toBe(t.config.mcpResource);
    expect(JSON.stringify(rows)).not.toContain(access_token);
    expect(JSON.stringify(rows)).not.toContain(access_token.slice(12));
  });

  it('rejects a wrong verifier [invalid_grant] and burns the code', async () => {
    const issued = await obtainCode(t);
    expectOAuthError(await exchangeCode(t, issued, { code_verifier: 'x'.repeat(43) }), 400, 'invalid_grant');
    expectOAuthError(await exchangeCode(t, issued), 400, 'invalid_grant');
  });

  it('rejects a missing verifier [invalid_request]', async () => {
    const issued = await obtainCode(t);
    expectOAuthError(await exchangeCode(t, issued, { code_verifier: undefined }), 400, 'invalid_request');
  });

  it('rejects a replayed code [invalid_grant] and revokes the key it produced [audit]', async () => {
    const issued = await obtainCode(t);
    const first = await exchangeCode(t, issued);
    expect(first.statusCode).toBe(200);
    const key = first.json().access_token;
    expect((await callMcp(t, key)).statusCode).toBe(200);
    expectOAuthError(await exchangeCode(t, issued), 400, 'invalid_grant');
    expect((await callMcp(t, key)).statusCode).toBe(401);
    const events = await t.db.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, 'code_replayed'), eq(auditEvents.clientId, issued.client.clientId)));
    expect(events).toHaveLength(1);
  });

  it('lets exactly one of two concurrent exchanges of one code win', async () => {
    const issued = await obtainCode(t);
    const results = await Promise.all([exchangeCode(t, issued), exchangeCode(t, issued)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400]);
  });

  it('rejects an expired code [invalid_grant]', async () => {
    const issued = await obtainCode(t);
    t.clock.advance(t.config.codeTtlSeconds * 1000 + 1);
    expectOAuthError(await exchangeCode(t, issued), 400, 'invalid_grant');
  });

  it('rejects a redirect_uri that differs from the authorization request [invalid_grant]', async () => {
    const issued = await obtainCode(t);
    expectOAuthError(await exchangeCode(t, issued, { redirect_uri: `${CLAUDE_CALLBACK}2` }), 400, 'invalid_grant');
  });

  it('rejects a resource that differs from the authorization request [invalid_target]', async () => {
    const issued = await obtainCode(t);
    expectOAuthError(await exchangeCode(t, issued, { resource: 'https://other.example/mcp' }), 400, 'invalid_target');
  });

  it('rejects a code presented by another client [invalid_grant]', async () => {
    const issued = await obtainCode(t);
    const other = await register(t);
    expectOAuthError(await exchangeCode(t, issued, { client_id: other.clientId }), 400, 'invalid_grant');
  });

  it('answers an unknown client with 401 invalid_client (clients re-register on it)', async () => {
    const issued = await obtainCode(t);
    const res = await exchangeCode(t, issued, { client_id: 'deleted-client' });
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('authenticates client_secret_post clients by their secret', async () => {
    const client = await register(t, { client_name: 'Claude', token_endpoint_auth_method: 'client_secret_post' });
    expect(client.clientSecret).toBeTruthy();
    const issued = await obtainCode(t, { client });
    expectOAuthError(await exchangeCode(t, issued, { client_secret: 'wrong' }), 401, 'invalid_client');
    const issued2 = await obtainCode(t, { client });
    expectOAuthError(await exchangeCode(t, issued2), 401, 'invalid_client');
    const issued3 = await obtainCode(t, { client });
    expect((await exchangeCode(t, issued3, { client_secret: client.clientSecret })).statusCode).toBe(200);
  });

  it('authenticates client_secret_basic clients from the Authorization header', async () => {
    const client = await register(t, { client_name: 'Partner', token_endpoint_auth_method: 'client_secret_basic' });
    const issued = await obtainCode(t, { client });
    const basic = (secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const fields = { grant_type: 'authorization_code', code: issued.code, code_verifier: issued.verifier, redirect_uri: CLAUDE_CALLBACK };
    expectOAuthError(await exchange(t, fields, { authorization: basic('nope') }), 401, 'invalid_client');
    const issued2 = await obtainCode(t, { client });
    const ok = await exchange(t, { ...fields, code: issued2.code, code_verifier: issued2.verifier }, { authorization: basic(client.clientSecret!) });
    expect(ok.statusCode).toBe(200);
  });

  it('answers unsupported_grant_type for refresh_token and friends', async () => {
    const client = await register(t);
    expectOAuthError(await exchange(t, { grant_type: 'refresh_token', refresh_token: 'x', client_id: client.clientId }), 400, 'unsupported_grant_type');
    expectOAuthError(await exchange(t, { grant_type: 'toString', client_id: client.clientId }), 400, 'unsupported_grant_type');
  });

  it('never writes codes, verifiers or keys to the logs', async () => {
    const issued = await obtainCode(t);
    const { access_token } = (await exchangeCode(t, issued)).json();
    await callMcp(t, access_token);
    const logs = t.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [issued.code, issued.verifier, access_token, issued.user.cookie.split('=')[1]!]) {
      expect(logs).not.toContain(secret);
    }
  });
});

/** Wraps a KV so every key a call actually wrote is recorded (a swapIfPresent that found nothing wrote nothing). */
function recordingKv(inner: Kv): { kv: Kv; written: string[] } {
  const written: string[] = [];
  const writes = new Set(['set', 'setIfAbsent', 'swap', 'swapIfPresent', 'incr']);
  const kv = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (!writes.has(String(prop))) return method;
      return async (key: string, ...rest: unknown[]) => {
        const result = await method(key, ...rest);
        const stored = prop === 'swapIfPresent' ? result !== null : prop === 'setIfAbsent' ? result === true : true;
        if (stored) written.push(key);
        return result;
      };
    },
  });
  return { kv, written };
}

describe.each(testBackends())('POST /token with a code that was never issued, on $name', ({ available, open }) => {
  it.skipIf(!available)(
    'answers invalid_grant and leaves no mark in the KV; a real code replayed is still caught',
    async () => {
      const backends = await open();
      const { kv, written } = recordingKv(backends.kv);
      const t = await buildTestApp({ db: backends.db, kv });
      try {
        const issued = await obtainCode(t);
        const madeUp = 'x'.repeat(43);
        written.length = 0;
        for (let i = 0; i < 3; i++) {
          expectOAuthError(await exchangeCode(t, issued, { code: `${madeUp}${i}` }), 400, 'invalid_grant');
        }
        // Only the token endpoint's rate-limit bucket: nothing under a made-up code's hash, nothing for 5 minutes.
        expect(written.filter((k) => !k.startsWith('ratelimit:'))).toEqual([]);
        expect(written.join(' ')).not.toContain(sha256Hex(`${madeUp}0`));

        // The real code: taken, then its replay is recognised (and revokes the key) through its one entry.
        const first = await exchangeCode(t, issued);
        expect(first.statusCode).toBe(200);
        expectOAuthError(await exchangeCode(t, issued), 400, 'invalid_grant');
        expect((await callMcp(t, first.json().access_token)).statusCode).toBe(401);
        const codeEntries = written.filter((k) => !k.startsWith('ratelimit:'));
        expect(new Set(codeEntries)).toEqual(new Set([`code:${sha256Hex(issued.code)}`]));
      } finally {
        await t.close();
        await backends.close();
      }
    },
    60_000,
  );
});

describe('POST /revoke (RFC 7009)', () => {
  const t = useTestApp();

  const revoke = (fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });

  it('revokes a key the client was issued; /mcp refuses it on the next request', async () => {
    const issued = await obtainCode(t);
    const { access_token } = (await exchangeCode(t, issued)).json();
    const res = await revoke({ token: access_token, client_id: issued.client.clientId });
    expect(res.statusCode).toBe(200);
    expect((await callMcp(t, access_token)).statusCode).toBe(401);
  });

  it('answers 200 for unknown tokens and for keys of other clients, revoking nothing', async () => {
    const issued = await obtainCode(t);
    const { access_token } = (await exchangeCode(t, issued)).json();
    const other = await register(t);
    expect((await revoke({ token: 'rmt_unknown', client_id: other.clientId })).statusCode).toBe(200);
    expect((await revoke({ token: access_token, client_id: other.clientId })).statusCode).toBe(200);
    expect((await callMcp(t, access_token)).statusCode).toBe(200);
  });

  it('requires client authentication [401 invalid_client]', async () => {
    expectOAuthError(await revoke({ token: 'rmt_x', client_id: 'nobody' }), 401, 'invalid_client');
  });
});

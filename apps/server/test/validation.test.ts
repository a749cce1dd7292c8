// The validation layer rejects requests that violate the contract before any handler runs.

import formbody from '@fastify/formbody';
import Fastify, { type InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../src/http/error-handling.ts';
import { operation } from '../src/http/operation.ts';
import { installResponseHeaders } from '../src/http/response-headers.ts';
import { routeThroughSpec } from '../src/http/spec-router.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { CLAUDE_CALLBACK, CLAUDEAI_PUBLIC, type SignedIn, signUpUser } from './support/flow.ts';
import { createManualKey } from './support/manual-keys.ts';
import { useTestApp } from './support/test-app.ts';

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };

const post = (url: string, headers?: Record<string, string>, payload?: InjectOptions['payload']): InjectOptions => ({ method: 'POST', url, headers, payload });
const get = (url: string): InjectOptions => ({ method: 'GET', url });

/** A request the contract refuses: a title, the request, the status and error it gets, and a word (the field at fault) its description names. */
type Refusal = [what: string, request: InjectOptions, status: number, error: string, names?: string];

describe('request validation against the spec', () => {
  const t = useTestApp();

  async function expectRefused(...[, request, status, error, names]: Refusal) {
    const res = await t.app.inject(request);
    expectOAuthError(res, status, error);
    if (names !== undefined) expect(res.json().error_description).toContain(names);
  }

  // POST /register answers with RFC 7591 §3.2.2's codes instead (x-invalid-request-error in the spec).
  describe('missing required field → 400 invalid_request', () => {
    it.each<Refusal>([
      [
        'POST /register without redirect_uris [invalid_redirect_uri]',
        post('/register', json, { client_name: 'x' }),
        400,
        'invalid_redirect_uri',
        'redirect_uris',
      ],
      ['POST /token without grant_type', post('/token', form, 'code=abc'), 400, 'invalid_request', 'grant_type'],
      ['POST /api/auth/signup without password', post('/api/auth/signup', json, { email: 'a@b.test' }), 400, 'invalid_request'],
      ['POST /register with no body at all [invalid_client_metadata]', post('/register'), 400, 'invalid_client_metadata'],
    ])('%s', expectRefused);
  });

  describe('wrong type → 400 invalid_request', () => {
    it.each<Refusal>([
      [
        'POST /register with redirect_uris as a string [invalid_redirect_uri]',
        post('/register', json, { redirect_uris: CLAUDE_CALLBACK }),
        400,
        'invalid_redirect_uri',
      ],
      ['POST /api/auth/login with a numeric email', post('/api/auth/login', json, { email: 42, password: 'long enough password' }), 400, 'invalid_request'],
      [
        'POST /token with a repeated parameter (RFC 6749 §3.2: parameters MUST NOT repeat)',
        post('/token', form, 'grant_type=authorization_code&grant_type=authorization_code'),
        400,
        'invalid_request',
      ],
    ])('%s', expectRefused);
  });

  describe('unknown parameters', () => {
    it.each<Refusal>([
      ['rejects an unknown query parameter on GET /healthz', get('/healthz?verbose=1'), 400, 'invalid_request', 'verbose'],
      ['rejects an unknown query parameter on the metadata document', get('/.well-known/oauth-authorization-server?debug=true'), 400, 'invalid_request'],
      [
        'rejects an unknown field in a non-OAuth JSON body',
        post('/api/auth/signup', json, { email: 'a@b.test', password: 'long enough password', admin: true }),
        400,
        'invalid_request',
        'admin',
      ],
    ])('%s', expectRefused);
    it('ignores unknown parameters on OAuth endpoints (RFC 6749 §3.1), which reach their handler', async () => {
      // The handler answers (its HTML page for an unknown client), not the validator's JSON invalid_request.
      const res = await t.app.inject(get('/authorize?client_id=abc&prompt=consent&foo=bar'));
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    });
    it('accepts unknown client metadata at registration (RFC 7591 §2)', async () => {
      const res = await t.app.inject(post('/register', json, { redirect_uris: [CLAUDE_CALLBACK], x_vendor_extension: 1 }));
      expect(res.statusCode).not.toBe(400);
    });
  });

  describe('wrong content type → 415 invalid_request', () => {
    it.each<Refusal>([
      ['POST /token with JSON instead of a form', post('/token', json, { grant_type: 'authorization_code' }), 415, 'invalid_request'],
      [
        'POST /register with text/plain',
        post('/register', { 'content-type': 'text/plain' }, '{"redirect_uris":["https://claude.ai/cb"]}'),
        415,
        'invalid_request',
      ],
      ['POST /api/auth/signup with a form body', post('/api/auth/signup', form, 'email=a%40b.test&password=long+enough+password'), 415, 'invalid_request'],
    ])('%s', expectRefused);
  });

  describe('malformed and misrouted requests', () => {
    it.each<Refusal>([
      ['answers malformed JSON with 400 invalid_request and no parser internals', post('/register', json, '{"redirect_uris": ['), 400, 'invalid_request'],
      [
        'answers an oversized body with 413',
        post('/register', json, JSON.stringify({ client_name: 'x'.repeat(100_000), redirect_uris: ['https://claude.ai/cb'] })),
        413,
        'invalid_request',
      ],
      ['answers an unknown path with 404 JSON', get('/nope'), 404, 'not_found'],
    ])('%s', expectRefused);
    it('answers a wrong method with 405', async () => {
      const res = await t.app.inject({ method: 'DELETE', url: '/token' });
      expectOAuthError(res, 405, 'invalid_request');
      expect(res.headers.allow).toBe('POST');
      const page = await t.app.inject({ method: 'PUT', url: '/api/keys' });
      expect(page.headers.allow).toBe('GET, POST, HEAD');
    });
  });

  // Found by the fuzz suite (test/fuzz): PostgreSQL text and jsonb cannot hold U+0000, so these were 500s.
  describe('a NUL character (U+0000) anywhere in a body → 400 invalid_request, nothing stored', () => {
    let user: SignedIn;
    let bearer: string;
    beforeAll(async () => {
      user = await signUpUser(t);
      bearer = (await createManualKey(t, user, ['reminders:read', 'reminders:write'])).secret;
    });

    it('POST /register with NUL in client metadata', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/register',
        headers: json,
        payload: { ...CLAUDEAI_PUBLIC, scope: 'a\u0000b', software_id: '\u0000' },
      });
      // RFC 7591 §3.2.2: refused metadata is invalid_client_metadata.
      expectOAuthError(res, 400, 'invalid_client_metadata');
      expect(res.json().error_description).toContain('NUL');
    });
    it('POST /v1/reminders with NUL in the text', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/reminders',
        headers: { ...json, authorization: `Bearer ${bearer}` },
        payload: { text: 'a\u0000b', due_at: new Date(t.clock.now() + 3_600_000).toISOString(), channel: 'phone', phone_number: '+33612345678' },
      });
      expectOAuthError(res, 400, 'invalid_request');
      const list = await t.app.inject({ method: 'GET', url: '/v1/reminders', headers: { authorization: `Bearer ${bearer}` } });
      expect(list.json().reminders).toEqual([]);
    });
    it('POST /api/keys with NUL in the label (or in a member name)', async () => {
      for (const payload of [
        { label: 'a\u0000b', scopes: ['reminders:read'] },
        { label: 'ok', scopes: ['reminders:read'], '\u0000': 1 },
      ]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/keys',
          headers: { ...json, cookie: user.cookie, 'x-csrf-token': user.csrf },
          payload,
        });
        expectOAuthError(res, 400, 'invalid_request');
      }
      const keys = await t.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: user.cookie } });
      expect(keys.json().keys).toHaveLength(1);
    });
    it('POST /token and POST /revoke with NUL in form fields', async () => {
      const token = await t.app.inject({
        method: 'POST',
        url: '/token',
        headers: form,
        payload: `grant_type=authorization_code&code=%00&client_id=%00&code_verifier=${'a'.repeat(43)}`,
      });
      expectOAuthError(token, 400, 'invalid_request');
      const revoke = await t.app.inject({ method: 'POST', url: '/revoke', headers: form, payload: 'token=%00&client_id=%00' });
      expectOAuthError(revoke, 400, 'invalid_request');
    });
  });
});

describe('unexpected errors', () => {
  it('become an opaque 500 server_error; the details are logged, not sent', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: { level: 'error', stream: { write: (l: string) => void lines.push(l) } } });
    await app.register(formbody);
    installErrorHandling(app);
    installResponseHeaders(app);
    await routeThroughSpec(app, {
      getHealth: operation(async () => {
        throw new Error('db password is hunter2 at /srv/secret.ts:12');
      }),
    });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expectOAuthError(res, 500, 'server_error');
    expect(res.body).not.toContain('hunter2');
    expect(lines.join('')).toContain('hunter2');
    await app.close();
  });

  it('answers operations without a handler yet with 501 and an error body, never fake data', async () => {
    const app = Fastify();
    installErrorHandling(app);
    installResponseHeaders(app);
    await routeThroughSpec(app, {});
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expectOAuthError(res, 501, 'not_implemented');
    await app.close();
  });
});

import { describe, expect, it } from 'vitest';
import { createClient, isReminderItError, listReminders, ReminderItError, registerClient, token, unwrap, withTypedErrors } from '../src/index.js';
import { fakeFetch, json } from './fake-fetch.js';

const BASE = 'https://rmt.example';
const codeExchange = {
  grant_type: 'authorization_code',
  code: 'c0de',
  code_verifier: 'v'.repeat(43),
  redirect_uri: 'http://127.0.0.1:8080/callback',
  client_id: 'client-1',
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('unwrap', () => {
  it('turns an invalid_grant 400 from /token into a ReminderItError with the OAuth code', async () => {
    const fetch = fakeFetch(() => json(400, { error: 'invalid_grant', error_description: 'The code is invalid or expired.' }, { 'cache-control': 'no-store' }));
    const client = createClient({ baseUrl: BASE, fetch });
    const err = await rejection(unwrap(token({ client, body: codeExchange })));
    expect(isReminderItError(err)).toBe(true);
    const e = err as ReminderItError;
    expect(e).toBeInstanceOf(Error);
    expect(e.status).toBe(400);
    expect(e.error).toBe('invalid_grant');
    expect(e.error_description).toBe('The code is invalid or expired.');
    expect(e.headers.get('cache-control')).toBe('no-store');
    expect(fetch.requests[0]!.url).toBe(`${BASE}/token`);
  });

  it('gives a sensible server_error for a non-JSON 502 from a proxy', async () => {
    const fetch = fakeFetch(
      () => new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502, headers: { 'content-type': 'text/html' } }),
    );
    const client = createClient({ baseUrl: BASE, fetch });
    const e = (await rejection(unwrap(listReminders({ client, auth: 'rmt_x' })))) as ReminderItError;
    expect(isReminderItError(e)).toBe(true);
    expect(e.status).toBe(502);
    expect(e.error).toBe('server_error');
    expect(e.error_description).toContain('502 Bad Gateway');
    expect(typeof e.body).toBe('string');
  });

  it('names an empty-bodied 503 temporarily_unavailable and reads Retry-After', async () => {
    const fetch = fakeFetch(() => new Response(null, { status: 503, headers: { 'retry-after': '7' } }));
    const client = createClient({ baseUrl: BASE, fetch });
    const e = (await rejection(unwrap(listReminders({ client, auth: 'rmt_x' })))) as ReminderItError;
    expect(e.error).toBe('temporarily_unavailable');
    expect(e.retryAfter).toBe(7);
  });

  it('passes the data of a success through, typed', async () => {
    const fetch = fakeFetch(() => json(200, { access_token: 'rmt_abc', token_type: 'Bearer', scope: 'reminders:read' }));
    const client = createClient({ baseUrl: BASE, fetch });
    const tok = await unwrap(token({ client, body: codeExchange }));
    const accessToken: string = tok.access_token; // compile-time check that unwrap keeps the response type
    expect(accessToken).toBe('rmt_abc');
  });

  it('rethrows a network failure unchanged (there is no response to describe)', async () => {
    const failure = new TypeError('fetch failed');
    const client = createClient({
      baseUrl: BASE,
      fetch: async () => {
        throw failure;
      },
    });
    expect(await rejection(unwrap(listReminders({ client, auth: 'rmt_x' })))).toBe(failure);
  });
});

describe('withTypedErrors', () => {
  it('makes throwOnError calls throw a ReminderItError carrying WWW-Authenticate', async () => {
    const challenge = 'Bearer error="invalid_token", resource_metadata="https://rmt.example/.well-known/oauth-protected-resource/mcp"';
    const fetch = fakeFetch(() => json(401, { error: 'invalid_token', error_description: 'The access token is invalid.' }, { 'www-authenticate': challenge }));
    const client = withTypedErrors(createClient({ baseUrl: BASE, fetch }));
    const e = (await rejection(listReminders({ client, auth: 'rmt_revoked', throwOnError: true }))) as ReminderItError;
    expect(e).toBeInstanceOf(ReminderItError);
    expect(e.error).toBe('invalid_token');
    expect(e.wwwAuthenticate).toBe(challenge);
    expect(fetch.requests[0]!.headers.get('authorization')).toBe('Bearer rmt_revoked');
  });

  it('returns the typed error as `error` for calls without throwOnError, and installs only once', async () => {
    const fetch = fakeFetch(() => json(400, { error: 'invalid_redirect_uri', error_description: 'Not on the trusted list.' }));
    const client = withTypedErrors(withTypedErrors(createClient({ baseUrl: BASE, fetch })));
    expect(client.interceptors.error.fns.filter(Boolean)).toHaveLength(1);
    const { data, error } = await registerClient({ client, body: { redirect_uris: ['https://evil.example/cb'] } });
    expect(data).toBeUndefined();
    expect(isReminderItError(error)).toBe(true);
    expect(error?.error).toBe('invalid_redirect_uri');
  });

  it('leaves successes alone', async () => {
    const fetch = fakeFetch(() => json(200, { reminders: [], next_cursor: null }));
    const client = withTypedErrors(createClient({ baseUrl: BASE, fetch }));
    const { data } = await listReminders({ client, auth: 'rmt_x', throwOnError: true });
    expect(data).toEqual({ reminders: [], next_cursor: null });
  });
});

describe('isReminderItError', () => {
  it('accepts errors from another copy of the SDK and rejects look-alikes that are not errors', () => {
    const foreign = Object.assign(new Error('invalid_grant'), { name: 'ReminderItError', status: 400, error: 'invalid_grant' });
    expect(isReminderItError(foreign)).toBe(true);
    expect(isReminderItError({ name: 'ReminderItError', status: 400, error: 'invalid_grant' })).toBe(false);
    expect(isReminderItError(new Error('boom'))).toBe(false);
  });
});

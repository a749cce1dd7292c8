// The example against the real server: every step of the partner flow, the typed errors it meets, and the
// `flow` script's output (which must never show a whole key).
import { fileURLToPath } from 'node:url';
import { createClient, isReminderItError, token, unwrap } from '@reminderit/sdk';
import { startProcess } from '@reminderit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REDIRECT_URI, type FlowResult, runPartnerFlow } from '../src/partner-flow.ts';
import { type RunningServer, startServer } from './server-process.ts';

const FULL_KEY = /rmt_[A-Za-z0-9_-]{20,}/;

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('the partner flow against the real server', () => {
  let result: FlowResult;
  const lines: string[] = [];

  beforeAll(async () => {
    result = await runPartnerFlow({ baseUrl: server.baseUrl, log: (line) => lines.push(line) });
  });

  it('discovers the issuer and registers a loopback client', () => {
    expect(result.metadata.issuer).toBe(server.baseUrl);
    expect(result.registration.redirect_uris).toEqual([DEFAULT_REDIRECT_URI]);
    expect(result.registration.token_endpoint_auth_method).toBe('none');
  });

  it('sends an S256 authorization request and gets the code back with state and iss', () => {
    const authorize = new URL(result.authorizeUrl);
    expect(authorize.origin + authorize.pathname).toBe(`${server.baseUrl}/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe(result.registration.client_id);
    const callback = new URL(result.callbackUrl);
    expect(callback.origin + callback.pathname).toBe(DEFAULT_REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    expect(callback.searchParams.get('iss')).toBe(server.baseUrl);
  });

  it('exchanges the code for an rmt_ key with both reminder scopes', () => {
    expect(result.tokenResponse.access_token).toMatch(/^rmt_/);
    expect(result.tokenResponse.token_type).toBe('Bearer');
    expect(result.tokenResponse.scope?.split(' ').sort()).toEqual(['reminders:read', 'reminders:write']);
  });

  it('creates and lists a reminder with the key', () => {
    expect(result.created).toMatchObject({ text: 'Call the partner back', channel: 'phone', status: 'scheduled' });
    expect(result.listed.reminders.map((r) => r.id)).toContain(result.created.id);
  });

  it('is refused with a typed 401 invalid_token after revoking the key', () => {
    expect(isReminderItError(result.afterRevoke)).toBe(true);
    expect(result.afterRevoke.status).toBe(401);
    expect(result.afterRevoke.error).toBe('invalid_token');
    expect(result.afterRevoke.wwwAuthenticate).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('gets a typed invalid_grant when the code is replayed', async () => {
    const code = new URL(result.callbackUrl).searchParams.get('code')!;
    const replay = unwrap(
      token({
        client: createClient({ baseUrl: server.baseUrl }),
        body: {
          grant_type: 'authorization_code',
          code,
          code_verifier: 'x'.repeat(43),
          redirect_uri: DEFAULT_REDIRECT_URI,
          client_id: result.registration.client_id,
        },
      }),
    );
    await expect(replay).rejects.toMatchObject({ name: 'ReminderItError', status: 400, error: 'invalid_grant' });
  });

  it('logs every step and never a whole key', () => {
    expect(lines).toHaveLength(10);
    expect(lines.join('\n')).not.toMatch(FULL_KEY);
  });
});

describe('the flow script', () => {
  it('runs the whole flow against REMINDERIT_URL and prints each step without secrets', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const script = await startProcess({
      name: 'flow script',
      command: process.execPath,
      args: [main],
      env: { REMINDERIT_URL: server.baseUrl },
      ready: /^done$/m,
      timeoutMs: 60_000,
    });
    expect(await script.exited).toEqual({ code: 0, signal: null });
    const stdout = script.output();
    expect(stdout).toContain('10. after revocation: 401 invalid_token');
    expect(stdout.trimEnd().endsWith('done')).toBe(true);
    expect(stdout).not.toMatch(FULL_KEY);
  });
});

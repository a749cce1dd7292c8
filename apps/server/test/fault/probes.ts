// The requests the fault suite sends during outages, measured from outside over HTTP, and the verdict on
// each answer: served as in good times, or 503 temporarily_unavailable + Retry-After; never 401, never slow.
import { randomUUID } from 'node:crypto';
import { createPkcePair } from '@reminderit/sdk';
import { authorizeQuery, CLAUDE_CALLBACK } from '../support/flow.ts';

export interface Fixture {
  baseUrl: string;
  key: string;
  clientId: string;
  cookie: string;
  email: string;
}

export interface Answer {
  endpoint: string;
  status: number;
  error: string | undefined;
  retryAfter: string | null;
  ms: number;
}

const PASSWORD = 'correct horse battery staple';
export const REDIRECT = CLAUDE_CALLBACK;
/** What an endpoint answers when storage is fine. */
export const SERVED: Record<string, number> = {
  '/mcp (valid key)': 200,
  '/authorize': 302,
  '/token': 400, // a made-up code: invalid_grant, once storage has been asked
  '/register': 201,
  login: 200,
  signup: 201,
  '/readyz': 200,
  '/token (issued code)': 200, // not polled: a real code, exchanged once during the outage and retried after
};

type Probe = (f: Fixture) => Promise<Response>;

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const probes: Record<string, Probe> = {
  '/mcp (valid key)': (f) =>
    fetch(
      `${f.baseUrl}/mcp`,
      json(
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        {
          authorization: `Bearer ${f.key}`,
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
        },
      ),
    ),
  '/authorize': async (f) => {
    const { codeChallenge } = await createPkcePair();
    const q = authorizeQuery(f.clientId, codeChallenge);
    return fetch(`${f.baseUrl}/authorize?${q}`, { headers: { cookie: f.cookie }, redirect: 'manual' });
  },
  '/token': (f) =>
    fetch(
      `${f.baseUrl}/token`,
      form({ grant_type: 'authorization_code', code: randomUUID(), code_verifier: 'v'.repeat(43), redirect_uri: REDIRECT, client_id: f.clientId }),
    ),
  '/register': (f) => fetch(`${f.baseUrl}/register`, json({ client_name: 'Fault probe', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' })),
  login: (f) => fetch(`${f.baseUrl}/api/auth/login`, json({ email: f.email, password: PASSWORD })),
  signup: (f) => fetch(`${f.baseUrl}/api/auth/signup`, json({ email: `probe-${randomUUID()}@example.com`, password: PASSWORD })),
  '/readyz': (f) => fetch(`${f.baseUrl}/readyz`),
};

export const ENDPOINTS = Object.keys(probes);

export async function probe(f: Fixture, endpoint: string): Promise<Answer> {
  const started = performance.now();
  const res = await probes[endpoint]!(f);
  const text = await res.text();
  const ms = Math.round(performance.now() - started);
  let error: string | undefined;
  try {
    error = (JSON.parse(text) as { error?: string }).error;
  } catch {
    error = undefined;
  }
  return { endpoint, status: res.status, error, retryAfter: res.headers.get('retry-after'), ms };
}

export function probeAll(f: Fixture): Promise<Answer[]> {
  return Promise.all(ENDPOINTS.map((endpoint) => probe(f, endpoint)));
}

/** Served as in good times, or refused as an outage in the one error shape (readiness: its own 503 body). */
export function acceptableDuringOutage(a: Answer): boolean {
  if (a.status === SERVED[a.endpoint]) return true;
  if (a.endpoint === '/readyz') return a.status === 503;
  return a.status === 503 && a.error === 'temporarily_unavailable' && a.retryAfter !== null;
}

export async function setUpFixture(baseUrl: string): Promise<Fixture> {
  const email = `fault-${randomUUID()}@example.com`;
  const signup = await fetch(`${baseUrl}/api/auth/signup`, json({ email, password: PASSWORD }));
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const cookie = signup.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0])
    .join('; ');
  const { csrf_token: csrf } = (await signup.json()) as { csrf_token: string };
  const created = await fetch(`${baseUrl}/api/keys`, json({ label: 'fault', scopes: ['reminders:read'] }, { cookie, 'x-csrf-token': csrf }));
  if (created.status !== 201) throw new Error(`key: ${created.status} ${await created.text()}`);
  const { secret } = (await created.json()) as { secret: string };
  const reg = await fetch(`${baseUrl}/register`, json({ client_name: 'Fault suite', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }));
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${await reg.text()}`);
  const { client_id: clientId } = (await reg.json()) as { client_id: string };
  return { baseUrl, key: secret, clientId, cookie, email };
}

export interface IssuedCode {
  code: string;
  verifier: string;
}

/** A real authorization code for the fixture's user and client: /authorize, then Allow on the consent API. */
export async function obtainCode(f: Fixture): Promise<IssuedCode> {
  // A fresh session each time: a restarted Redis (no persistence) has forgotten the earlier ones.
  const login = await fetch(`${f.baseUrl}/api/auth/login`, json({ email: f.email, password: PASSWORD }));
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0])
    .join('; ');
  const { csrf_token: csrf } = (await login.json()) as { csrf_token: string };
  const { codeVerifier, codeChallenge } = await createPkcePair();
  const q = authorizeQuery(f.clientId, codeChallenge);
  const authorized = await fetch(`${f.baseUrl}/authorize?${q}`, { headers: { cookie }, redirect: 'manual' });
  const location = authorized.headers.get('location');
  if (authorized.status !== 302 || !location) throw new Error(`authorize: ${authorized.status} ${await authorized.text()}`);
  const requestId = new URL(location, f.baseUrl).searchParams.get('request_id');
  const decided = await fetch(`${f.baseUrl}/api/consent/${requestId}`, json({ decision: 'allow' }, { cookie, 'x-csrf-token': csrf }));
  if (decided.status !== 200) throw new Error(`consent: ${decided.status} ${await decided.text()}`);
  const { redirect_to: redirectTo } = (await decided.json()) as { redirect_to: string };
  return { code: new URL(redirectTo).searchParams.get('code')!, verifier: codeVerifier };
}

/** POST /token for an issued code; the answer, and the access token when one was delivered. */
export async function exchangeIssued(f: Fixture, issued: IssuedCode, endpoint: string): Promise<Answer & { accessToken?: string }> {
  const started = performance.now();
  const res = await fetch(
    `${f.baseUrl}/token`,
    form({ grant_type: 'authorization_code', code: issued.code, code_verifier: issued.verifier, redirect_uri: REDIRECT, client_id: f.clientId }),
  );
  const body = (await res.json().catch(() => ({}))) as { error?: string; access_token?: string };
  const ms = Math.round(performance.now() - started);
  return { endpoint, status: res.status, error: body.error, retryAfter: res.headers.get('retry-after'), ms, accessToken: body.access_token };
}

// Steps of the OAuth flow over app.inject(), for tests that exercise one rule at a time.
import { claudeCallback, claudeRegistration } from '@reminderit/mocks';
import { type ClientRegistrationRequest, CONSENT_APP_ROUTES, createPkcePair } from '@reminderit/sdk';
import type { TestApp } from './test-app.ts';

/** Claude.ai's callback and the exact public registration body it sends: the mocks' fixtures, one copy for every suite. */
export const CLAUDE_CALLBACK = claudeCallback;
export const CLAUDEAI_PUBLIC = claudeRegistration;
/** The newer confidential variant Claude sends. */
export const CLAUDE_CONFIDENTIAL: ClientRegistrationRequest = { ...CLAUDEAI_PUBLIC, client_name: 'Claude', token_endpoint_auth_method: 'client_secret_post' };

export interface Registered {
  clientId: string;
  clientSecret?: string;
}

export async function register(t: TestApp, body: Record<string, unknown> = {}): Promise<Registered> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/register',
    payload: { ...CLAUDEAI_PUBLIC, ...body },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const json = res.json();
  return { clientId: json.client_id, clientSecret: json.client_secret };
}

export interface SignedIn {
  cookie: string;
  csrf: string;
  userId: string;
}

let userCounter = 0;
export async function signUpUser(t: TestApp, email = `user${++userCounter}-${Date.now()}@example.com`): Promise<SignedIn> {
  // Each simulated user signs up from its own (documentation-range) address, so per-IP sign-up limits
  // don't couple unrelated tests; inject() sends no network traffic.
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    remoteAddress: `192.0.2.${userCounter % 250}`,
    payload: { email, password: 'correct horse battery staple' },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'rmt_session');
  return { cookie: `rmt_session=${cookie!.value}`, csrf: res.json().csrf_token, userId: res.json().user.id };
}

export function authorizeQuery(clientId: string, challenge: string, extra: Record<string, string | undefined> = {}) {
  const q: Record<string, string> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CLAUDE_CALLBACK,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'st-123',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete q[k];
    else q[k] = v;
  }
  return new URLSearchParams(q).toString();
}

/** GET /authorize as a signed-in browser; returns the raw response. */
export function authorize(t: TestApp, query: string, user?: SignedIn) {
  return t.app.inject({ method: 'GET', url: `/authorize?${query}`, headers: user ? { cookie: user.cookie } : {} });
}

export function requestIdFrom(location: string): string {
  const url = new URL(location, 'http://x');
  const target = url.pathname === CONSENT_APP_ROUTES.login ? new URL(url.searchParams.get('next')!, 'http://x') : url;
  return target.searchParams.get('request_id')!;
}

export async function decide(t: TestApp, user: SignedIn, requestId: string, decision: 'allow' | 'deny') {
  return t.app.inject({
    method: 'POST',
    url: `/api/consent/${requestId}`,
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrf },
    payload: { decision },
  });
}

export interface IssuedCode {
  code: string;
  verifier: string;
  client: Registered;
  user: SignedIn;
}

/** Register (unless given), sign up, authorize, allow → a fresh code and its verifier. */
export async function obtainCode(
  t: TestApp,
  opts: { client?: Registered; user?: SignedIn; extra?: Record<string, string | undefined> } = {},
): Promise<IssuedCode> {
  const client = opts.client ?? (await register(t));
  const user = opts.user ?? (await signUpUser(t));
  const pkce = await createPkcePair();
  const res = await authorize(t, authorizeQuery(client.clientId, pkce.codeChallenge, opts.extra), user);
  if (res.statusCode !== 302) throw new Error(`authorize failed: ${res.statusCode} ${res.body}`);
  const decided = await decide(t, user, requestIdFrom(res.headers.location as string), 'allow');
  if (decided.statusCode !== 200) throw new Error(`consent failed: ${decided.statusCode} ${decided.body}`);
  const code = new URL(decided.json().redirect_to).searchParams.get('code')!;
  return { code, verifier: pkce.codeVerifier, client, user };
}

export function exchange(t: TestApp, fields: Record<string, string | undefined>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return t.app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: body,
  });
}

export function exchangeCode(t: TestApp, issued: IssuedCode, overrides: Record<string, string | undefined> = {}) {
  return exchange(t, {
    grant_type: 'authorization_code',
    code: issued.code,
    code_verifier: issued.verifier,
    redirect_uri: CLAUDE_CALLBACK,
    client_id: issued.client.clientId,
    ...overrides,
  });
}

/** POST /mcp tools/list with a bearer key; the status tells whether the key works. */
export function callMcp(t: TestApp, key: string) {
  return t.app.inject({
    method: 'POST',
    url: '/mcp',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  });
}

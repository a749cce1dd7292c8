// The OAuth flows the bench drives over real HTTP: a tiny browser (a cookie jar over undici's `request`),
// client registration, sign-up, and one authorize → consent → token flow on our server or authorize → token
// on the SDK's reference authorization server. Both servers are driven by this same client, so the driver's
// own cost is the same per request on both sides. undici's `request` rather than `fetch`: WHATWG `fetch`
// (Headers, Response, streams) cost the load generator a whole core at the reference's rate, so the driver,
// not the server, set the figure.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';

export const CALLBACK = 'http://127.0.0.1/callback';

/** What a flow reads of an answer. */
export interface Answer {
  status: number;
  location: string | undefined;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

interface Init {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** One simulated browser: its own cookie jar, keep-alive connections (undici's global pool). */
export class Browser {
  readonly #cookies = new Map<string, string>();
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }
  async fetch(path: string, init: Init = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.#cookies.size > 0) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await request(this.base + path, { method: init.method ?? 'GET', headers, body: init.body });
    const setCookie = res.headers['set-cookie'];
    for (const line of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair] = line.split(';', 1);
      const eq = pair!.indexOf('=');
      this.#cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = res.headers.location;
    // The body is always read (or dropped), so the connection goes back to the pool.
    let body: Promise<string> | undefined;
    const text = () => (body ??= res.body.text());
    if (location !== undefined) await text();
    return { status: res.statusCode, location: Array.isArray(location) ? location[0] : location, text, json: async () => JSON.parse(await text()) };
  }
}

const b64url = (buf: Buffer) => buf.toString('base64url');
function pkce() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

async function expectStatus(res: Answer, status: number, what: string): Promise<Answer> {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

export async function register(base: string): Promise<string> {
  const res = await new Browser(base).fetch('/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'bench',
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }),
  });
  await expectStatus(res, 201, 'register');
  return ((await res.json()) as { client_id: string }).client_id;
}

/** A signed-in browser of ours: signs up a fresh user. */
export async function signedInBrowser(base: string): Promise<{ browser: Browser; csrf: string }> {
  const browser = new Browser(base);
  const email = `bench-${randomBytes(6).toString('hex')}@example.com`;
  const res = await browser.fetch('/api/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery staple' }),
  });
  await expectStatus(res, 201, 'signup');
  return { browser, csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
}

function tokenBody(clientId: string, code: string, verifier: string, resource?: string): string {
  const fields: Record<string, string> = { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK, client_id: clientId };
  if (resource) fields.resource = resource;
  return new URLSearchParams(fields).toString();
}

/** One authorize → consent → token flow on our server; resolves the access token. */
export async function ourFlow(b: { browser: Browser; csrf: string }, clientId: string): Promise<string> {
  const { verifier, challenge } = pkce();
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 's',
  });
  const authorized = await expectStatus(await b.browser.fetch(`/authorize?${q}`), 302, 'authorize');
  const requestId = new URL(authorized.location!, 'http://x').searchParams.get('request_id')!;
  const consent = await b.browser.fetch(`/api/consent/${requestId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': b.csrf },
    body: JSON.stringify({ decision: 'allow' }),
  });
  await expectStatus(consent, 200, 'consent');
  const code = new URL(((await consent.json()) as { redirect_to: string }).redirect_to).searchParams.get('code')!;
  const token = await b.browser.fetch('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: tokenBody(clientId, code, verifier),
  });
  await expectStatus(token, 200, 'token');
  return ((await token.json()) as { access_token: string }).access_token;
}

/** One authorize → token flow on the SDK's reference server (it approves at once). */
export async function referenceFlow(browser: Browser, clientId: string): Promise<void> {
  const { verifier, challenge } = pkce();
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 's',
  });
  const authorized = await expectStatus(await browser.fetch(`/authorize?${q}`), 302, 'reference authorize');
  const code = new URL(authorized.location!).searchParams.get('code')!;
  const token = await browser.fetch('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: tokenBody(clientId, code, verifier),
  });
  await expectStatus(token, 200, 'reference token');
  await token.text();
}

// One partner's journey through the API, written once with the SDK and run against any target (the MSW mocks,
// the real server): discovery, registration (good and refused), the OAuth code flow with consent, a refused and
// a good token exchange, the reminders API with the minted key, the key list, revocation, and the calls that
// must fail afterwards. Each step is named; what each step sent over the wire is recorded per step.
import {
  buildAuthorizeUrl,
  cancelReminder,
  createApiKey,
  createClient,
  createPkcePair,
  createReminder,
  decideConsent,
  getApiReference,
  getApiReferenceAsset,
  getAuthorizationServerMetadata,
  getConsentRequest,
  getCurrentSession,
  getHealth,
  getMcpProtectedResourceMetadata,
  getOpenApiSpec,
  getProtectedResourceMetadata,
  getReadiness,
  getReminder,
  listApiKeys,
  listReminders,
  logIn,
  logOut,
  mcpRequest,
  mcpStream,
  registerClient,
  revokeApiKey,
  revokeToken,
  signUp,
  token,
} from '@reminderit/sdk';
import { CLAUDE_CALLBACK, CLAUDEAI_PUBLIC } from '../support/flow.ts';
import { type Exchange, recordingFetch } from './recording-fetch.ts';

export interface JourneyStep {
  name: string;
  exchanges: Exchange[];
}

const PHONE = '+14155550123';
/** Far enough ahead for any clock; the same value on every target. */
const DUE_AT = '2031-05-04T09:30:00Z';

export async function runPartnerJourney(baseUrl: string): Promise<JourneyStep[]> {
  const browser = recordingFetch();
  const api = createClient({ baseUrl, fetch: browser });
  const steps: JourneyStep[] = [];
  const step = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
    const from = browser.exchanges.length;
    const result = await call();
    steps.push({ name, exchanges: browser.exchanges.slice(from) });
    return result;
  };
  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined || value === null) throw new Error(`journey at ${baseUrl}: no ${what}`);
    return value;
  };

  const asm = required((await step('discover the authorization server', () => getAuthorizationServerMetadata({ client: api }))).data, 'AS metadata');
  const prm = required((await step('discover the protected resource', () => getMcpProtectedResourceMetadata({ client: api }))).data, 'PR metadata');
  await step('register with an untrusted redirect URI', () =>
    registerClient({ client: api, body: { ...CLAUDEAI_PUBLIC, redirect_uris: ['https://evil.example/callback'] } }),
  );
  const reg = required((await step('register like Claude.ai', () => registerClient({ client: api, body: CLAUDEAI_PUBLIC }))).data, 'client');
  await step('read the session before signing in', () => getCurrentSession({ client: api }));

  const pkce = await createPkcePair();
  const authorizeUrl = buildAuthorizeUrl({
    authorizationEndpoint: asm.authorization_endpoint,
    clientId: reg.client_id,
    redirectUri: CLAUDE_CALLBACK,
    codeChallenge: pkce.codeChallenge,
    state: 'journey-state',
    resource: prm.resource,
    scope: prm.scopes_supported.join(' '),
  });
  const toLogin = await step('open the authorize URL signed out', () => browser(authorizeUrl));
  const next = new URL(required(toLogin.headers.get('location') ?? undefined, 'login redirect'), baseUrl).searchParams.get('next');
  const requestId = required(new URL(required(next ?? undefined, 'next'), baseUrl).searchParams.get('request_id') ?? undefined, 'request id');

  const session = required(
    (await step('sign up', () => signUp({ client: api, body: { email: 'partner-journey@example.com', password: 'correct horse battery staple' } }))).data,
    'session',
  );
  const csrf = { 'X-CSRF-Token': session.csrf_token };
  await step('read the consent request', () => getConsentRequest({ client: api, path: { requestId } }));
  await step('answer consent without the CSRF header', () =>
    // The header is required by the spec and the SDK's types insist; this call leaves it out on purpose.
    decideConsent({ client: api, path: { requestId }, body: { decision: 'allow' }, headers: {} as { 'X-CSRF-Token': string } }),
  );
  const outcome = required(
    (await step('allow', () => decideConsent({ client: api, path: { requestId }, body: { decision: 'allow' }, headers: csrf }))).data,
    'consent outcome',
  );
  const code = required(new URL(outcome.redirect_to).searchParams.get('code') ?? undefined, 'code');

  const exchangeBody = {
    grant_type: 'authorization_code',
    code,
    code_verifier: pkce.codeVerifier,
    redirect_uri: CLAUDE_CALLBACK,
    client_id: reg.client_id,
  } as const;
  await step('exchange a made-up code', () => token({ client: api, body: { ...exchangeBody, code: 'made-up-code' } }));
  const tok = required((await step('exchange the code', () => token({ client: api, body: exchangeBody }))).data, 'token');
  const bearer = { Authorization: `Bearer ${tok.access_token}` };

  await step('create a reminder without a key', () =>
    createReminder({ client: api, body: { text: 'Call mum', due_at: DUE_AT, channel: 'phone', phone_number: PHONE } }),
  );
  await step('create a reminder with a NUL in its text', () =>
    createReminder({ client: api, headers: bearer, body: { text: 'Call\u0000mum', due_at: DUE_AT, channel: 'phone', phone_number: PHONE } }),
  );
  await step('create a reminder with a bad phone number', () =>
    createReminder({ client: api, headers: bearer, body: { text: 'Call mum', due_at: DUE_AT, channel: 'phone', phone_number: 'not-a-number' } }),
  );
  const created = required(
    (
      await step('create a reminder', () =>
        createReminder({ client: api, headers: bearer, body: { text: 'Call mum', due_at: DUE_AT, channel: 'phone', phone_number: PHONE } }),
      )
    ).data,
    'reminder',
  );
  await step('list reminders', () => listReminders({ client: api, headers: bearer }));
  await step('get the reminder', () => getReminder({ client: api, headers: bearer, path: { reminderId: created.id } }));
  await step('cancel the reminder', () => cancelReminder({ client: api, headers: bearer, path: { reminderId: created.id } }));
  const mcp = (id: number, method: string, params?: Record<string, unknown>) =>
    mcpRequest({
      client: api,
      headers: { ...bearer, Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-06-18' },
      body: { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) },
    });
  const tool = (id: number, name: string, args: Record<string, unknown>) => mcp(id, 'tools/call', { name, arguments: args });
  await step('list MCP tools with the key', () => mcp(1, 'tools/list'));
  await step('send MCP accepting only JSON', () =>
    mcpRequest({ client: api, headers: { ...bearer, Accept: 'application/json' }, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } }),
  );
  await step('send MCP with an unknown protocol version', () =>
    mcpRequest({
      client: api,
      headers: { ...bearer, Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '1999-01-01' },
      body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    }),
  );
  await step('call whoami over MCP', () => tool(2, 'whoami', {}));
  const viaMcp = await step('create a reminder over MCP', () => tool(3, 'create_reminder', { text: 'Water the plants', due_at: DUE_AT, phone_number: PHONE }));
  const mcpReminderId = (viaMcp.data as { result?: { structuredContent?: { id?: string } } } | undefined)?.result?.structuredContent?.id;
  await step('list reminders over MCP', () => tool(4, 'list_reminders', { status: 'upcoming', limit: 5 }));
  await step('cancel a reminder over MCP', () => tool(5, 'cancel_reminder', { reminder_id: required(mcpReminderId, 'MCP reminder id') }));
  await step('cancel it again over MCP', () => tool(6, 'cancel_reminder', { reminder_id: mcpReminderId }));
  await step('call an unknown MCP tool', () => tool(7, 'no_such_tool', {}));
  await step('list API keys', () => listApiKeys({ client: api }));
  await step('revoke the key', () => revokeToken({ client: api, body: { token: tok.access_token, client_id: reg.client_id } }));
  await step('list reminders with the revoked key', () => listReminders({ client: api, headers: bearer }));
  await step('log out', () => logOut({ client: api, headers: csrf }));
  await step('list API keys signed out', () => listApiKeys({ client: api }));
  await step('log in with a wrong password', () => logIn({ client: api, body: { email: 'partner-journey@example.com', password: 'not the password at all' } }));
  const again = required(
    (await step('log in', () => logIn({ client: api, body: { email: 'partner-journey@example.com', password: 'correct horse battery staple' } }))).data,
    'session',
  );
  const csrfAgain = { 'X-CSRF-Token': again.csrf_token };
  await step('create an API key with no scope', () => createApiKey({ client: api, headers: csrfAgain, body: { label: 'Script', scopes: [] } }));
  const manual = required(
    (await step('create an API key', () => createApiKey({ client: api, headers: csrfAgain, body: { label: 'Script', scopes: ['reminders:read'] } }))).data,
    'API key',
  );
  await step('call a write tool with a read-only key', () =>
    mcpRequest({
      client: api,
      headers: { Authorization: `Bearer ${manual.secret}`, Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-06-18' },
      body: { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'create_reminder', arguments: {} } },
    }),
  );
  await step('open the MCP event stream', () => mcpStream({ client: api, headers: { Authorization: `Bearer ${manual.secret}` } }));
  await step('revoke the API key', () => revokeApiKey({ client: api, headers: csrfAgain, path: { keyId: manual.id } }));
  await step('get an unknown reminder with a revoked key', () =>
    getReminder({ client: api, headers: { Authorization: `Bearer ${manual.secret}` }, path: { reminderId: created.id } }),
  );
  await step('read the root protected resource metadata', () => getProtectedResourceMetadata({ client: api }));
  await step('check liveness', () => getHealth({ client: api }));
  await step('check readiness', () => getReadiness({ client: api }));
  await step('fetch the spec', () => getOpenApiSpec({ client: api, parseAs: 'text' }));
  const page = await step('open the API reference', () => getApiReference({ client: api, parseAs: 'text' }));
  const script = /src="\/docs\/assets\/([^"]+)"/.exec(String(page.data ?? ''))?.[1];
  await step('fetch the API reference script', () =>
    getApiReferenceAsset({ client: api, parseAs: 'text', path: { file: required(script, 'reference script') } }),
  );
  await step('fetch an unknown API reference script', () => getApiReferenceAsset({ client: api, parseAs: 'text', path: { file: 'nope.js' } }));
  return steps;
}

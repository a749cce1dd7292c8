// The mocks cannot drift from the contract: for every scenario × every operation, requests go through the
// MSW node server and every answer is checked against openapi.yaml — the status must be one the spec lists
// for that operation, required headers must be there and match their schema, and the body must validate
// (Ajv 2020 + formats) against the schema of that operation, status and media type (@reminderit/openapi/spec-validator).

import { checkResponse, findOperation, operations } from '@reminderit/openapi/spec-validator';
import type { Session } from '@reminderit/sdk';
import { createPkcePair } from '@reminderit/sdk';
import type { HttpHandler } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ada,
  adaPassword,
  apiKeys,
  claudeCallback,
  claudeClient,
  claudeKeySecret,
  claudeRegistration,
  fixtureState,
  loopbackCallback,
  reminders,
  requestIds,
} from '../src/fixtures.ts';
import { mockReferenceScript } from '../src/handlers/docs.ts';
import { createHandlers } from '../src/handlers.ts';
import { setupMockServer } from '../src/node.ts';
import { type Scenario, type ScenarioName, scenarioNames, scenarios } from '../src/scenarios.ts';

const BASE = 'http://mocks.test';
/** What Streamable HTTP clients send; without it the transport answers 406. */
const MCP_ACCEPT = { Accept: 'application/json, text/event-stream' };
const mock = setupMockServer('keysList', { baseUrl: BASE });
beforeAll(() => mock.listen());
afterAll(() => mock.close());

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

interface CallOptions {
  json?: unknown;
  form?: Record<string, string>;
  csrf?: string;
  bearer?: string;
  headers?: Record<string, string>;
}

/** operationId → statuses the mocks answered with, across all scenarios. */
const seen = new Map<string, Set<number>>();

/** Sends a request to the mocks and checks the answer against the spec. */
async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers = new Headers(options.headers);
  let body: string | undefined;
  if (options.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(options.json);
  }
  if (options.form) {
    headers.set('Content-Type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(options.form).toString();
  }
  if (options.csrf) headers.set('X-CSRF-Token', options.csrf);
  if (options.bearer) headers.set('Authorization', `Bearer ${options.bearer}`);
  const res = await fetch(`${BASE}${path}`, { method, headers, body, redirect: 'manual' });

  const operation = findOperation(method, new URL(path, BASE).pathname);
  if (!operation) throw new Error(`${method} ${path} is not an operation of the spec`);
  const text = await res.text();
  const violations = checkResponse(operation, { status: res.status, headers: res.headers, body: text });
  expect(violations, `${operation.operationId} → ${res.status}`).toEqual([]);
  const mediaType = res.headers.get('Content-Type')?.split(';')[0]?.trim();
  const parsed: unknown = text === '' ? undefined : mediaType === 'application/json' ? JSON.parse(text) : text;

  if (!seen.has(operation.operationId)) seen.set(operation.operationId, new Set());
  seen.get(operation.operationId)!.add(res.status);
  return { status: res.status, body: parsed, headers: res.headers };
}

interface ProbeContext {
  scenario: Scenario;
  /** False in the serverError scenario, where every answer must be 500. */
  ok: boolean;
  /** `status` when the scenario works, 500 when it is the serverError scenario. */
  expectStatus(answer: Answer, status: number): void;
  /** The CSRF token of a session (the current one, or a fresh log in), or null when the server fails. */
  signIn(): Promise<string | null>;
}

type Probe = (ctx: ProbeContext) => Promise<void>;

const pendingIn = (s: Scenario, id: string) => s.pendingRequests.some((r) => r.request_id === id);
const activeKey = (s: Scenario, secret: string) => s.keys.find((k) => k.secret === secret && k.revoked_at === null);
const readOnlySecret = apiKeys.find((k) => k.label === 'Kitchen tablet')!.secret;
const scheduled = reminders.find((r) => r.status === 'scheduled')!;
const sent = reminders.find((r) => r.status === 'sent')!;

function authorizeQuery(params: Record<string, string>): string {
  return `/authorize?${new URLSearchParams(params)}`;
}

/** register → authorize → Allow → code, or null where the scenario cannot get that far. */
async function authorizationCode(ctx: ProbeContext) {
  const reg = await call('POST', '/register', { json: claudeRegistration });
  if (reg.status !== 201) return null;
  const pkce = await createPkcePair();
  const clientId = reg.body.client_id as string;
  const csrf = await ctx.signIn();
  if (!csrf) return null;
  const auth = await call(
    'GET',
    authorizeQuery({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: claudeCallback,
      code_challenge: pkce.codeChallenge,
      code_challenge_method: 'S256',
      state: 'xyz',
    }),
  );
  expect(auth.status).toBe(302);
  const requestId = new URL(auth.headers.get('Location')!, BASE).searchParams.get('request_id')!;
  const pending = await call('GET', `/api/consent/${requestId}`);
  expect(pending.body.client.label).toBe('Claude (web connector)');
  const decided = await call('POST', `/api/consent/${requestId}`, { json: { decision: 'allow' }, csrf });
  expect(decided.status).toBe(200);
  const redirect = new URL(decided.body.redirect_to);
  expect(redirect.searchParams.get('state')).toBe('xyz');
  expect(redirect.searchParams.get('iss')).toBe(BASE);
  return { clientId, code: redirect.searchParams.get('code')!, verifier: pkce.codeVerifier, csrf };
}

const probes: Record<string, Probe[]> = {
  getAuthorizationServerMetadata: [
    async (ctx) => {
      const res = await call('GET', '/.well-known/oauth-authorization-server');
      ctx.expectStatus(res, 200);
      if (ctx.ok) expect(res.body.issuer).toBe(BASE);
    },
  ],
  getProtectedResourceMetadata: [async (ctx) => ctx.expectStatus(await call('GET', '/.well-known/oauth-protected-resource'), 200)],
  getMcpProtectedResourceMetadata: [
    async (ctx) => {
      const res = await call('GET', '/.well-known/oauth-protected-resource/mcp');
      ctx.expectStatus(res, 200);
      if (ctx.ok) expect(res.body.resource).toBe(`${BASE}/mcp`);
    },
  ],
  registerClient: [
    async (ctx) => ctx.expectStatus(await call('POST', '/register', { json: claudeRegistration }), 201),
    async (ctx) => {
      const res = await call('POST', '/register', { json: { ...claudeRegistration, token_endpoint_auth_method: 'client_secret_post' } });
      ctx.expectStatus(res, 201);
      if (ctx.ok) expect(res.body.client_secret_expires_at).toBe(0);
    },
    async (ctx) =>
      ctx.expectStatus(
        await call('POST', '/register', { json: { client_name: 'Loop', redirect_uris: [loopbackCallback], token_endpoint_auth_method: 'none' } }),
        201,
      ),
    async (ctx) => ctx.expectStatus(await call('POST', '/register', { json: { redirect_uris: ['https://evil.example/cb'] } }), 400),
    async (ctx) => ctx.expectStatus(await call('POST', '/register', { json: { client_name: 'No redirect' } }), 400),
  ],
  authorize: [
    async (ctx) => {
      const res = await call(
        'GET',
        authorizeQuery({
          response_type: 'code',
          client_id: claudeClient.client_id,
          redirect_uri: claudeCallback,
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          state: 's',
        }),
      );
      ctx.expectStatus(res, 302);
      if (ctx.ok)
        expect(res.headers.get('Location')).toMatch(ctx.scenario.signedIn ? /^\/consent\?request_id=pr_/ : /^\/login\?next=%2Fconsent%3Frequest_id%3Dpr_/);
    },
    async (ctx) => {
      const res = await call(
        'GET',
        authorizeQuery({ response_type: 'code', client_id: claudeClient.client_id, code_challenge: 'abc', code_challenge_method: 'plain', state: 's' }),
      );
      ctx.expectStatus(res, 302);
      if (ctx.ok) {
        const to = new URL(res.headers.get('Location')!);
        expect(to.searchParams.get('error')).toBe('invalid_request');
        expect(to.searchParams.get('iss')).toBe(BASE);
      }
    },
    async (ctx) => ctx.expectStatus(await call('GET', authorizeQuery({ client_id: 'c_unknown', redirect_uri: claudeCallback })), 400),
    async (ctx) => ctx.expectStatus(await call('GET', authorizeQuery({ client_id: claudeClient.client_id, redirect_uri: 'https://evil.example/cb' })), 400),
    async (ctx) => ctx.expectStatus(await call('GET', '/authorize?response_type=code'), 400),
  ],
  token: [
    async (ctx) => {
      const got = await authorizationCode(ctx);
      if (!got) return expect(ctx.ok).toBe(false);
      const form = { grant_type: 'authorization_code', code: got.code, code_verifier: got.verifier, redirect_uri: claudeCallback, client_id: got.clientId };
      const res = await call('POST', '/token', { form });
      expect(res.status).toBe(200);
      expect(res.body.access_token).toMatch(/^rmt_/);
      expect((await call('POST', '/token', { form })).status).toBe(400); // single use
      const keys = await call('GET', '/api/keys');
      expect(keys.body.keys[0]).toMatchObject({ label: 'Claude (web connector)', client_id: got.clientId });
      // The new key works on the reminders API and MCP.
      expect((await call('GET', '/v1/reminders', { bearer: res.body.access_token })).status).toBe(200);
    },
    async (ctx) => {
      const got = await authorizationCode(ctx);
      if (!got) return expect(ctx.ok).toBe(false);
      const wrong = 'x'.repeat(43);
      const res = await call('POST', '/token', { form: { grant_type: 'authorization_code', code: got.code, code_verifier: wrong, client_id: got.clientId } });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    },
    async (ctx) => ctx.expectStatus(await call('POST', '/token', { form: { grant_type: 'refresh_token', refresh_token: 'r' } }), 400),
    async (ctx) =>
      ctx.expectStatus(
        await call('POST', '/token', { form: { grant_type: 'authorization_code', code: 'c', code_verifier: 'v'.repeat(43), client_id: 'c_unknown' } }),
        401,
      ),
  ],
  revokeToken: [
    async (ctx) => ctx.expectStatus(await call('POST', '/revoke', { form: { token: claudeKeySecret, client_id: claudeClient.client_id } }), 200),
    async (ctx) => ctx.expectStatus(await call('POST', '/revoke', { form: { token: 'rmt_unknown', client_id: claudeClient.client_id } }), 200),
    async (ctx) => ctx.expectStatus(await call('POST', '/revoke', { form: { client_id: claudeClient.client_id } }), 400),
    async (ctx) => ctx.expectStatus(await call('POST', '/revoke', { form: { token: claudeKeySecret, client_id: 'c_unknown' } }), 401),
  ],
  signUp: [
    async (ctx) =>
      ctx.expectStatus(await call('POST', '/api/auth/signup', { json: { email: 'grace@example.com', password: 'a long and lovely password' } }), 201),
    async (ctx) => ctx.expectStatus(await call('POST', '/api/auth/signup', { json: { email: ada.email, password: 'another long password' } }), 409),
    async (ctx) => ctx.expectStatus(await call('POST', '/api/auth/signup', { json: { email: 'grace@example.com', password: 'short' } }), 400),
  ],
  logIn: [
    async (ctx) => ctx.expectStatus(await call('POST', '/api/auth/login', { json: { email: ada.email, password: adaPassword } }), 200),
    async (ctx) => ctx.expectStatus(await call('POST', '/api/auth/login', { json: { email: ada.email, password: 'not the password' } }), 401),
    async (ctx) => ctx.expectStatus(await call('POST', '/api/auth/login', { json: { email: ada.email } }), 400),
  ],
  logOut: [
    async (ctx) => {
      const csrf = await ctx.signIn();
      if (!csrf) return expect(ctx.ok).toBe(false);
      expect((await call('POST', '/api/auth/logout', { csrf: 'wrong-token-wrong-token' })).status).toBe(403);
      expect((await call('POST', '/api/auth/logout')).status).toBe(400);
      expect((await call('POST', '/api/auth/logout', { csrf })).status).toBe(204);
      expect((await call('GET', '/api/auth/session')).status).toBe(401);
      expect((await call('POST', '/api/auth/logout', { csrf })).status).toBe(401);
    },
  ],
  getCurrentSession: [async (ctx) => ctx.expectStatus(await call('GET', '/api/auth/session'), ctx.scenario.signedIn ? 200 : 401)],
  getConsentRequest: [
    ...Object.values(requestIds).map(
      (id): Probe =>
        async (ctx) => {
          const status = !ctx.scenario.signedIn ? 401 : pendingIn(ctx.scenario, id) ? 200 : 404;
          ctx.expectStatus(await call('GET', `/api/consent/${id}`), status);
        },
    ),
    async (ctx) => ctx.expectStatus(await call('GET', '/api/consent/short'), 400),
  ],
  decideConsent: [
    ...(['allow', 'deny'] as const).map(
      (decision): Probe =>
        async (ctx) => {
          const csrf = await ctx.signIn();
          if (!csrf) return expect(ctx.ok).toBe(false);
          const res = await call('POST', `/api/consent/${requestIds.claude}`, { json: { decision }, csrf });
          if (!pendingIn(ctx.scenario, requestIds.claude)) return expect(res.status).toBe(404);
          expect(res.status).toBe(200);
          const to = new URL(res.body.redirect_to);
          expect(to.origin + to.pathname).toBe(claudeCallback);
          expect(to.searchParams.get('state')).toBe(fixtureState);
          if (decision === 'allow') expect(to.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{40}$/);
          else expect(to.searchParams.get('error')).toBe('access_denied');
          // The request is used up.
          expect((await call('GET', `/api/consent/${requestIds.claude}`)).status).toBe(404);
        },
    ),
    async (ctx) => {
      const csrf = await ctx.signIn();
      if (!csrf) return expect(ctx.ok).toBe(false);
      expect((await call('POST', `/api/consent/${requestIds.loopback}`, { json: { decision: 'allow' }, csrf: 'wrong-token-wrong-token' })).status).toBe(403);
      expect((await call('POST', `/api/consent/${requestIds.loopback}`, { json: { decision: 'maybe' }, csrf })).status).toBe(400);
    },
    async (ctx) =>
      ctx.expectStatus(
        await call('POST', `/api/consent/${requestIds.claude}`, { json: { decision: 'allow' }, csrf: 'no-session-token-0' }),
        ctx.scenario.signedIn ? 403 : 401,
      ),
  ],
  listApiKeys: [
    async (ctx) => {
      const res = await call('GET', '/api/keys');
      ctx.expectStatus(res, ctx.scenario.signedIn ? 200 : 401);
      if (res.status === 200) expect(res.body.keys.map((k: { id: string }) => k.id)).toEqual(ctx.scenario.keys.map((k) => k.id));
    },
  ],
  createApiKey: [
    async (ctx) => {
      const csrf = await ctx.signIn();
      if (!csrf) return expect(ctx.ok).toBe(false);
      const res = await call('POST', '/api/keys', { json: { label: 'Home automation', scopes: ['reminders:read'] }, csrf });
      expect(res.status).toBe(201);
      expect(res.body.secret.startsWith(res.body.prefix)).toBe(true);
      const listed = await call('GET', '/api/keys');
      expect(listed.body.keys[0]).not.toHaveProperty('secret');
      expect((await call('GET', '/v1/reminders', { bearer: res.body.secret })).status).toBe(200);
    },
    async (ctx) => {
      const csrf = await ctx.signIn();
      if (!csrf) return expect(ctx.ok).toBe(false);
      expect((await call('POST', '/api/keys', { json: { label: 'No scopes', scopes: [] }, csrf })).status).toBe(400);
      expect((await call('POST', '/api/keys', { json: { label: 'x', scopes: ['reminders:read'] }, csrf: 'wrong-token-wrong-token' })).status).toBe(403);
    },
    async (ctx) =>
      ctx.expectStatus(
        await call('POST', '/api/keys', { json: { label: 'x', scopes: ['reminders:read'] }, csrf: 'no-session-token-0' }),
        ctx.scenario.signedIn ? 403 : 401,
      ),
  ],
  revokeApiKey: [
    async (ctx) => {
      const csrf = await ctx.signIn();
      if (!csrf) return expect(ctx.ok).toBe(false);
      const key = ctx.scenario.keys[0];
      if (!key) return expect((await call('DELETE', `/api/keys/${apiKeys[0]!.id}`, { csrf })).status).toBe(404);
      expect((await call('DELETE', `/api/keys/${key.id}`, { csrf })).status).toBe(204);
      expect((await call('DELETE', `/api/keys/${key.id}`, { csrf })).status).toBe(204); // no-op
      const listed = await call('GET', '/api/keys');
      expect(listed.body.keys[0].revoked_at).not.toBeNull();
      expect((await call('GET', '/v1/reminders', { bearer: key.secret })).status).toBe(401);
    },
    async (ctx) => {
      const csrf = await ctx.signIn();
      if (!csrf) return expect(ctx.ok).toBe(false);
      expect((await call('DELETE', '/api/keys/not-a-uuid', { csrf })).status).toBe(400);
      expect((await call('DELETE', `/api/keys/${apiKeys[0]!.id}`, { csrf: 'wrong-token-wrong-token' })).status).toBe(403);
    },
  ],
  listReminders: [
    async (ctx) =>
      ctx.expectStatus(
        await call('GET', '/v1/reminders?status=upcoming&limit=1', { bearer: claudeKeySecret }),
        activeKey(ctx.scenario, claudeKeySecret) ? 200 : 401,
      ),
    async (ctx) =>
      ctx.expectStatus(await call('GET', '/v1/reminders?status=past', { bearer: claudeKeySecret }), activeKey(ctx.scenario, claudeKeySecret) ? 200 : 401),
    async (ctx) => ctx.expectStatus(await call('GET', '/v1/reminders'), 401),
    async (ctx) =>
      ctx.expectStatus(await call('GET', '/v1/reminders?limit=500', { bearer: claudeKeySecret }), activeKey(ctx.scenario, claudeKeySecret) ? 400 : 401),
  ],
  createReminder: [
    async (ctx) => {
      const json = { text: 'Water the plants', due_at: '2099-06-01T08:00:00+02:00', channel: 'whatsapp', phone_number: '+33612345678' };
      ctx.expectStatus(await call('POST', '/v1/reminders', { bearer: claudeKeySecret, json }), activeKey(ctx.scenario, claudeKeySecret) ? 201 : 401);
    },
    async (ctx) => {
      const json = { text: 'Water the plants', due_at: '2099-06-01T08:00:00', channel: 'phone', phone_number: '0612345678' };
      ctx.expectStatus(await call('POST', '/v1/reminders', { bearer: claudeKeySecret, json }), activeKey(ctx.scenario, claudeKeySecret) ? 400 : 401);
    },
    async (ctx) => {
      const json = { text: 'Read only', due_at: '2099-06-01T08:00:00Z', channel: 'phone', phone_number: '+33612345678' };
      ctx.expectStatus(await call('POST', '/v1/reminders', { bearer: readOnlySecret, json }), activeKey(ctx.scenario, readOnlySecret) ? 403 : 401);
    },
  ],
  getReminder: [
    async (ctx) => {
      const known = ctx.scenario.reminders.some((r) => r.id === scheduled.id);
      ctx.expectStatus(
        await call('GET', `/v1/reminders/${scheduled.id}`, { bearer: claudeKeySecret }),
        !activeKey(ctx.scenario, claudeKeySecret) ? 401 : known ? 200 : 404,
      );
    },
    async (ctx) =>
      ctx.expectStatus(await call('GET', `/v1/reminders/${ada.id}`, { bearer: claudeKeySecret }), activeKey(ctx.scenario, claudeKeySecret) ? 404 : 401),
  ],
  cancelReminder: [
    async (ctx) => {
      const known = ctx.scenario.reminders.some((r) => r.id === scheduled.id);
      const res = await call('POST', `/v1/reminders/${scheduled.id}/cancel`, { bearer: claudeKeySecret });
      ctx.expectStatus(res, !activeKey(ctx.scenario, claudeKeySecret) ? 401 : known ? 200 : 404);
      if (res.status === 200) {
        expect(res.body.status).toBe('cancelled');
        expect((await call('POST', `/v1/reminders/${scheduled.id}/cancel`, { bearer: claudeKeySecret })).status).toBe(409);
      }
    },
    async (ctx) => {
      const known = ctx.scenario.reminders.some((r) => r.id === sent.id);
      ctx.expectStatus(
        await call('POST', `/v1/reminders/${sent.id}/cancel`, { bearer: claudeKeySecret }),
        !activeKey(ctx.scenario, claudeKeySecret) ? 401 : known ? 409 : 404,
      );
    },
  ],
  mcpRequest: [
    async (ctx) => {
      const json = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '0' } },
      };
      ctx.expectStatus(
        await call('POST', '/mcp', { headers: MCP_ACCEPT, bearer: claudeKeySecret, json }),
        activeKey(ctx.scenario, claudeKeySecret) ? 200 : 401,
      );
    },
    async (ctx) => {
      const json = [
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_reminders', arguments: {} } },
        { jsonrpc: '2.0', id: 4, method: 'nope' },
      ];
      const res = await call('POST', '/mcp', { headers: MCP_ACCEPT, bearer: claudeKeySecret, json });
      ctx.expectStatus(res, activeKey(ctx.scenario, claudeKeySecret) ? 200 : 401);
      if (res.status === 200) expect(res.body).toHaveLength(3);
    },
    async (ctx) => {
      const json = { jsonrpc: '2.0', method: 'notifications/initialized' };
      ctx.expectStatus(
        await call('POST', '/mcp', { headers: MCP_ACCEPT, bearer: claudeKeySecret, json }),
        activeKey(ctx.scenario, claudeKeySecret) ? 202 : 401,
      );
    },
    async (ctx) => {
      const res = await call('POST', '/mcp', { headers: MCP_ACCEPT, json: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
      ctx.expectStatus(res, 401);
      if (ctx.ok)
        expect(res.headers.get('WWW-Authenticate')).toBe(
          `Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp", scope="reminders:read reminders:write"`,
        );
    },
    async (ctx) =>
      ctx.expectStatus(
        await call('POST', '/mcp', { headers: MCP_ACCEPT, bearer: claudeKeySecret, json: { hello: 'world' } }),
        activeKey(ctx.scenario, claudeKeySecret) ? 400 : 401,
      ),
    async (ctx) => {
      // A read-only key calling a write tool: HTTP 403 with a step-up challenge, not a JSON-RPC error.
      const json = { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'create_reminder', arguments: {} } };
      const res = await call('POST', '/mcp', { headers: MCP_ACCEPT, bearer: readOnlySecret, json });
      ctx.expectStatus(res, activeKey(ctx.scenario, readOnlySecret) ? 403 : 401);
      if (res.status === 403) expect(res.headers.get('WWW-Authenticate')).toContain('error="insufficient_scope", scope="reminders:write"');
    },
    async (ctx) => {
      const args = { text: 'Stretch', due_at: '2099-01-01T10:00:00Z', channel: 'phone', phone_number: '+33612345678' };
      const json = [
        { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'create_reminder', arguments: args } },
        { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
      ];
      const res = await call('POST', '/mcp', { headers: MCP_ACCEPT, bearer: claudeKeySecret, json });
      ctx.expectStatus(res, activeKey(ctx.scenario, claudeKeySecret) ? 200 : 401);
      if (res.status === 200) {
        expect(res.body[0].result.structuredContent).toMatchObject({ text: 'Stretch', status: 'scheduled' });
        expect(res.body[1].result.structuredContent.key_label).toBe('Claude (web connector)');
      }
    },
    async (ctx) => {
      const res = await call('POST', '/mcp', {
        bearer: claudeKeySecret,
        headers: { Accept: 'application/json' },
        json: { jsonrpc: '2.0', id: 9, method: 'tools/list' },
      });
      ctx.expectStatus(res, activeKey(ctx.scenario, claudeKeySecret) ? 406 : 401);
    },
    async (ctx) => {
      const headers = { ...MCP_ACCEPT, 'MCP-Protocol-Version': '1999-01-01' };
      const res = await call('POST', '/mcp', { bearer: claudeKeySecret, headers, json: { jsonrpc: '2.0', id: 10, method: 'tools/list' } });
      ctx.expectStatus(res, activeKey(ctx.scenario, claudeKeySecret) ? 400 : 401);
    },
  ],
  mcpStream: [
    async (ctx) => ctx.expectStatus(await call('GET', '/mcp'), 401),
    async (ctx) => ctx.expectStatus(await call('GET', '/mcp', { bearer: claudeKeySecret }), activeKey(ctx.scenario, claudeKeySecret) ? 405 : 401),
  ],
  getHealth: [async (ctx) => ctx.expectStatus(await call('GET', '/healthz'), 200)],
  getReadiness: [async (ctx) => ctx.expectStatus(await call('GET', '/readyz'), 200)],
  getOpenApiSpec: [
    async (ctx) => {
      const res = await call('GET', '/openapi.yaml');
      ctx.expectStatus(res, 200);
      if (ctx.ok) expect(parse(res.body)).toMatchObject({ openapi: '3.1.0', servers: [{ url: BASE }] });
    },
  ],
  getApiReference: [
    async (ctx) => {
      const res = await call('GET', '/docs');
      ctx.expectStatus(res, 200);
      if (ctx.ok) expect(res.body).toContain(`src="/docs/assets/${mockReferenceScript}"`);
    },
  ],
  getApiReferenceAsset: [
    async (ctx) => ctx.expectStatus(await call('GET', `/docs/assets/${mockReferenceScript}`), 200),
    async (ctx) => ctx.expectStatus(await call('GET', '/docs/assets/x'), 404),
  ],
};

function context(scenario: Scenario): ProbeContext {
  const ok = scenario.failure === undefined;
  return {
    scenario,
    ok,
    expectStatus: (answer, status) => expect(answer.status).toBe(ok ? status : 500),
    async signIn() {
      const current = await call('GET', '/api/auth/session');
      if (current.status === 200) return (current.body as Session).csrf_token;
      const login = await call('POST', '/api/auth/login', { json: { email: ada.email, password: adaPassword } });
      return login.status === 200 ? (login.body as Session).csrf_token : null;
    },
  };
}

describe('the mocks cover the contract', () => {
  it('have a handler for every operation of the spec, and no other', () => {
    const handled = (createHandlers('keysList', { baseUrl: BASE }) as HttpHandler[]).map(
      (h) =>
        `${String(h.info.method)} ${String(h.info.path)
          .slice(BASE.length)
          .replace(/:([A-Za-z]+)/g, '{$1}')}`,
    );
    expect(handled.sort()).toEqual(operations.map((op) => `${op.method} ${op.path}`).sort());
  });

  it('have probes for every operation of the spec', () => {
    expect(Object.keys(probes).sort()).toEqual(operations.map((op) => op.operationId).sort());
  });
});

describe.each(scenarioNames)('scenario %s', (name: ScenarioName) => {
  it.each(operations.map((op) => op.operationId))('%s answers as the spec says', async (operationId) => {
    for (const probe of probes[operationId] ?? []) {
      mock.useScenario(name); // every probe starts from the scenario's initial state
      await probe(context(scenarios[name]));
    }
  });
});

describe('coverage', () => {
  it('every operation was seen succeeding (where the spec has a success) and failing', () => {
    for (const op of operations) {
      const statuses = [...(seen.get(op.operationId) ?? [])];
      const canSucceed = op.statuses.some((s) => s < 400); // mcpStream only ever answers 401/405
      expect(
        statuses.some((s) => s < 400),
        `${op.operationId} never succeeded: ${statuses}`,
      ).toBe(canSucceed);
      expect(
        statuses.some((s) => s >= 400),
        `${op.operationId} never failed: ${statuses}`,
      ).toBe(true);
    }
  });
});

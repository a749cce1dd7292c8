// Fixtures: one realistic user, the pending authorization requests the consent page shows, API keys and
// reminders. Typed with the SDK's types (generated from openapi.yaml), so a fixture that drifts from the
// contract fails to compile; test/conform.test.ts also validates every mock response against the spec.
import type { ApiKey, ClientRegistrationRequest, ClientRegistrationResponse, ConsentClient, ConsentRequest, Reminder, Session, User } from '@reminderit/sdk';
import { ALL_SCOPES, SCOPE_DESCRIPTIONS } from '@reminderit/sdk';

/** The plain words for each scope: the SDK's one list, which the server's consent page uses too. */
export const scopeDescriptions = SCOPE_DESCRIPTIONS;
export const allScopes = ALL_SCOPES;

// ── The account ────────────────────────────────────────────────────────────────────────────────────────

export const ada: User = {
  id: '6f1c2b9e-3d4a-4f5b-8c7d-2e1f0a9b8c7d',
  email: 'ada@example.com',
  created_at: '2026-01-01T09:00:00Z',
};

/** The password that logs `ada@example.com` in; any other password gets 401. */
export const adaPassword = 'correct horse battery staple';

export const adaSession: Session = { user: ada, csrf_token: 'Yc3Jm8Qw1Tz6Vb9Nx2Lp5Hd4' };

// ── OAuth clients and pending authorization requests ───────────────────────────────────────────────────

export const claudeCallback = 'https://claude.ai/api/mcp/auth_callback';
export const loopbackCallback = 'http://127.0.0.1:33418/callback';

/**
 * The exact body Claude.ai sends to `POST /register` (RFC 7591 §2): a public client (no secret) asking for a
 * refresh token and its own scope name. One copy for the mocks, their tests and the server's tests.
 */
export const claudeRegistration = {
  client_name: 'claudeai',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  scope: 'claudeai',
  redirect_uris: [claudeCallback],
} satisfies ClientRegistrationRequest;

/** A `client_name` that would run script if a page injected it as HTML. It must show as text. */
export const hostileClientName = '<img src=x onerror=alert(1)>';

/** The `state` every fixture authorization request carries back to its client. */
export const fixtureState = 'af0ifjsldkj';

export const requestIds = {
  claude: 'pr_3Xb9LmQ2vK8wN5tR1yZ4cF7h',
  loopback: 'pr_Lp8Qz2Wm5Rt9Xv3Nb6Kd1Hs',
  hostile: 'pr_Hx4Tn7Vb2Mq9Wz5Rc8Jf3Ld',
  metadataDocument: 'pr_Md5Kw8Qz3Rt1Vx7Nb4Lc9Hj',
  /** Well-formed, but no scenario holds it: the server answers 404 (unknown or expired). */
  expired: 'pr_Ex9Pd2Rq7Wm4Tz8Vb1Nc6Kh',
} as const;

export const claudeClient: ConsentClient = {
  client_id: 'c_7Kq2xV9mNp4RtW8sLb3Y',
  client_name: 'claudeai',
  label: 'Claude (web connector)',
  metadata_document_host: null,
};

/** Claude as it identifies itself today: a Client ID Metadata Document published on claude.ai. */
export const claudeMetadataDocumentClient: ConsentClient = {
  client_id: 'https://claude.ai/oauth/mcp-oauth-client-metadata',
  client_name: 'Claude',
  label: 'Claude (web connector)',
  metadata_document_host: 'claude.ai',
};

export const inspectorClient: ConsentClient = {
  client_id: 'c_Mi4Rk8Tz2Wq6Yn1Vb5Xs',
  client_name: 'MCP Inspector',
  label: 'MCP Inspector',
  metadata_document_host: null,
};

export const hostileClient: ConsentClient = {
  client_id: 'c_Hs9Qp3Lm7Vx1Tb5Nz8Kw',
  client_name: hostileClientName,
  label: hostileClientName,
  metadata_document_host: null,
};

/** A public desktop client registered with the loopback callback, under its own name. */
function loopbackRegistration(client: ConsentClient): ClientRegistrationResponse {
  return {
    client_id: client.client_id,
    client_id_issued_at: 1767225600,
    ...(client.client_name === null ? {} : { client_name: client.client_name }),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    redirect_uris: [loopbackCallback],
  };
}

/** Registered clients, as `POST /register` would have answered for them. */
export const registeredClients: ClientRegistrationResponse[] = [
  {
    ...claudeRegistration,
    client_id: claudeClient.client_id,
    client_id_issued_at: 1767225600,
  },
  loopbackRegistration(inspectorClient),
  loopbackRegistration(hostileClient),
];

const bothScopes = allScopes.map((name) => ({ name, description: scopeDescriptions[name] }));

export const consentForClaude: ConsentRequest = {
  request_id: requestIds.claude,
  client: claudeClient,
  redirect_uri: claudeCallback,
  redirect_host: 'claude.ai',
  is_loopback: false,
  scopes: bothScopes,
  resource: 'http://localhost:3000/mcp',
  expires_at: '2026-01-01T09:10:00Z',
};

export const consentForClaudeMetadataDocument: ConsentRequest = {
  ...consentForClaude,
  request_id: requestIds.metadataDocument,
  client: claudeMetadataDocumentClient,
};

export const consentForLoopback: ConsentRequest = {
  request_id: requestIds.loopback,
  client: inspectorClient,
  redirect_uri: loopbackCallback,
  redirect_host: '127.0.0.1:33418',
  is_loopback: true,
  scopes: [{ name: 'reminders:read', description: scopeDescriptions['reminders:read'] }],
  resource: 'http://localhost:3000/mcp',
  expires_at: '2026-01-01T09:10:00Z',
};

export const consentForHostileName: ConsentRequest = {
  ...consentForLoopback,
  request_id: requestIds.hostile,
  client: hostileClient,
  scopes: bothScopes,
};

// ── API keys ────────────────────────────────────────────────────────────────────────────────────────────

/** A key as the mocks hold it: the listed fields plus its secret (never listed; used for bearer auth). */
export type StoredApiKey = ApiKey & { secret: string };

/** The bearer token of the active Claude key: authenticates the reminders and MCP mocks. */
export const claudeKeySecret = 'rmt_8kZ3qLwN5vX2yR7tB4mC9dF1gH6jK0pQ3sU5wY8zA2c_x7Qp';

export const apiKeys: StoredApiKey[] = [
  {
    id: '0b6e8f7a-1c2d-4e3f-9a8b-7c6d5e4f3a2b',
    label: 'Claude (web connector)',
    prefix: 'rmt_8kZ3qLwN',
    scopes: ['reminders:read', 'reminders:write'],
    created_at: '2026-01-01T09:01:00Z',
    last_used_at: '2026-01-02T18:30:12Z',
    revoked_at: null,
    client_id: claudeClient.client_id,
    client_name: 'claudeai',
    secret: claudeKeySecret,
  },
  {
    id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
    label: 'Kitchen tablet',
    prefix: 'rmt_Tq7Wm2Xz',
    scopes: ['reminders:read'],
    created_at: '2025-12-28T16:45:00Z',
    last_used_at: null,
    revoked_at: null,
    client_id: null,
    client_name: null,
    secret: 'rmt_Tq7Wm2XzK4vB9nR1pL6sD3fG8hJ0cV5yA2eU7iO4wQ_k3Lm',
  },
  {
    id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
    label: 'Home automation',
    prefix: 'rmt_1a2b3c4d',
    scopes: ['reminders:read'],
    created_at: '2025-12-20T12:00:00Z',
    last_used_at: null,
    revoked_at: '2025-12-24T08:00:00Z',
    client_id: null,
    client_name: null,
    secret: 'rmt_1a2b3c4dQ9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV_m4Nb',
  },
];

// ── Reminders ───────────────────────────────────────────────────────────────────────────────────────────

export const reminders: Reminder[] = [
  {
    id: '3c9d2e1f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    text: "Call the dentist to move Thursday's appointment",
    due_at: '2099-01-05T09:30:00+01:00',
    channel: 'phone',
    phone_number: '+33612345678',
    status: 'scheduled',
    created_at: '2026-01-02T18:31:00Z',
    cancelled_at: null,
  },
  {
    id: '7e6d5c4b-3a29-4818-9f7e-6d5c4b3a2918',
    text: 'Take the bins out',
    due_at: '2026-01-01T19:00:00Z',
    channel: 'whatsapp',
    phone_number: '+442071838750',
    status: 'sent',
    created_at: '2025-12-31T10:00:00Z',
    cancelled_at: null,
  },
];

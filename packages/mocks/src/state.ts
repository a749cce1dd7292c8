// The mutable state behind one set of handlers: a tiny in-memory stand-in for the server's database and KV.
import type { ClientRegistrationResponse, ConsentRequest, Reminder, Session, User } from '@reminderit/sdk';
import { ada, adaPassword, adaSession, fixtureState, registeredClients, type StoredApiKey } from './fixtures.ts';
import type { Scenario } from './scenarios.ts';

/** What the authorization request carried besides what the consent page shows. */
export interface AuthorizationParams {
  state?: string;
  codeChallenge?: string;
}

export interface IssuedCode extends AuthorizationParams {
  request: ConsentRequest;
  expiresAt: number;
}

export interface MockState {
  failure: Scenario['failure'];
  /** email → account. */
  accounts: Map<string, { user: User; password: string }>;
  /** The browser's session, or null when signed out (the mocks model one browser). */
  session: Session | null;
  clients: Map<string, ClientRegistrationResponse>;
  pendingRequests: Map<string, ConsentRequest>;
  /** request_id → the authorization request's `state` and PKCE challenge. */
  authorizations: Map<string, AuthorizationParams>;
  /** Authorization codes issued by Allow, until the token endpoint takes them. */
  codes: Map<string, IssuedCode>;
  keys: StoredApiKey[];
  reminders: Reminder[];
}

export function createState(scenario: Scenario): MockState {
  const clone = <T>(value: T): T => structuredClone(value);
  return {
    failure: scenario.failure,
    accounts: new Map([[ada.email, { user: clone(ada), password: adaPassword }]]),
    session: scenario.signedIn ? clone(adaSession) : null,
    clients: new Map(registeredClients.map((c) => [c.client_id, clone(c)])),
    pendingRequests: new Map(scenario.pendingRequests.map((r) => [r.request_id, clone(r)])),
    authorizations: new Map(scenario.pendingRequests.map((r) => [r.request_id, { state: fixtureState }])),
    codes: new Map(),
    keys: clone(scenario.keys),
    reminders: clone(scenario.reminders),
  };
}

// ── Random values (Web Crypto: browsers and Node alike) ────────────────────────────────────────────────

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomToken(length: number): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** A fresh `rmt_…` secret and its display prefix. */
export function newKeySecret(): { secret: string; prefix: string } {
  const secret = `rmt_${randomToken(43)}`;
  return { secret, prefix: secret.slice(0, 12) };
}

/** The listed view of a stored key: everything but the secret. */
export function listed(key: StoredApiKey) {
  const { secret: _secret, ...rest } = key;
  return rest;
}

// A user for the fuzzer to act as: a session, a bearer key with every scope, and rows the fuzzer may aim
// at by id (a spare key, reminders, a pending consent request). Generated requests carry placeholders for
// the session cookie and CSRF token, replaced when sent, so a fuzzed log-out can be followed by a new
// session without rebuilding the generators.
import { type ApiKeyList, createPkcePair, type Reminder, type ReminderPage } from '@reminderit/sdk';
import { authorize, authorizeQuery, register, requestIdFrom, type SignedIn, signUpUser } from '../support/flow.ts';
import { createManualKey } from '../support/manual-keys.ts';
import type { TestApp } from '../support/test-app.ts';
import type { FuzzContext } from './fuzz-requests.ts';

const SESSION_PLACEHOLDER = 'fuzz-session-placeholder';
const CSRF_PLACEHOLDER = 'fuzz-csrf-placeholder-0000';
const PASSWORD = 'correct horse battery staple';

export interface FuzzUser {
  email: string;
  session: SignedIn;
  context: FuzzContext;
  /** Logs in again (after a fuzzed log-out ended the session). */
  relogin(): Promise<void>;
}

let logins = 0;

export async function setUpFuzzUser(t: TestApp, name: string): Promise<FuzzUser> {
  const email = `${name}-${Date.now()}@example.com`;
  const session = await signUpUser(t, email);
  const key = await createManualKey(t, session, ['reminders:read', 'reminders:write'], `${name} key`);
  const spare = await createManualKey(t, session, ['reminders:read'], `${name} spare key`);
  const reminders = await Promise.all([1, 2].map((n) => createReminder(t, key.secret, `${name} reminder ${n}`)));
  const client = await register(t);
  const pkce = await createPkcePair();
  const pending = await authorize(t, authorizeQuery(client.clientId, pkce.codeChallenge), session);
  const user: FuzzUser = {
    email,
    session,
    context: {
      bearer: key.secret,
      cookie: `rmt_session=${SESSION_PLACEHOLDER}`,
      csrf: CSRF_PLACEHOLDER,
      knownIds: {
        keyId: [spare.id],
        reminderId: reminders.map((r) => r.id),
        requestId: [requestIdFrom(pending.headers.location as string)],
        client_id: [client.clientId],
        code_challenge: [pkce.codeChallenge],
      },
    },
    async relogin() {
      const logIn = () =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: `198.51.100.${++logins % 250}`,
          payload: { email, password: PASSWORD },
        });
      let res = await logIn();
      if (res.statusCode === 429) {
        // The per-account log-in budget is spent: wait the window out on the test clock, then log in.
        t.clock.advance(Number(res.headers['retry-after']) * 1000);
        res = await logIn();
      }
      if (res.statusCode !== 200) throw new Error(`re-login failed: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'rmt_session')!;
      user.session = { cookie: `rmt_session=${cookie.value}`, csrf: res.json().csrf_token, userId: res.json().user.id };
    },
  };
  return user;
}

/** A header value with the placeholders replaced by the user's current session cookie and CSRF token. */
export function liveCredentials(user: FuzzUser, value: string): string {
  return value.replace(`rmt_session=${SESSION_PLACEHOLDER}`, user.session.cookie).replace(CSRF_PLACEHOLDER, user.session.csrf);
}

async function createReminder(t: TestApp, bearer: string, text: string): Promise<Reminder> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/reminders',
    headers: { authorization: `Bearer ${bearer}` },
    payload: { text, due_at: new Date(t.clock.now() + 86_400_000).toISOString(), channel: 'phone', phone_number: '+33612345678' },
  });
  if (res.statusCode !== 201) throw new Error(`reminder creation failed: ${res.statusCode} ${res.body}`);
  return res.json() as Reminder;
}

/** The user's keys and reminders (upcoming and past) as the API shows them. */
export async function snapshotOf(t: TestApp, user: FuzzUser): Promise<{ keys: ApiKeyList['keys']; reminders: Reminder[] }> {
  const keys = await t.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: user.session.cookie } });
  if (keys.statusCode !== 200) throw new Error(`listing keys failed: ${keys.statusCode} ${keys.body}`);
  const reminders: Reminder[] = [];
  for (const status of ['upcoming', 'past']) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/reminders?status=${status}&limit=100`,
      headers: { authorization: `Bearer ${user.context.bearer}` },
    });
    if (res.statusCode !== 200) throw new Error(`listing reminders failed: ${res.statusCode} ${res.body}`);
    reminders.push(...(res.json() as ReminderPage).reminders);
  }
  return { keys: (keys.json() as ApiKeyList).keys, reminders };
}

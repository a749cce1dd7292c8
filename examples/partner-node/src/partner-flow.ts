// A partner's whole integration with ReminderIt, using only @reminderit/sdk and fetch:
// discovery → register (RFC 7591) → PKCE + authorize URL (RFC 7636) → [user consents] → callback checks
// (RFC 6749 §10.12, RFC 9207) → code for key at /token → reminders REST API with the key → revoke (RFC 7009)
// → the revoked key is refused with a typed `invalid_token` error.
import {
  type AuthorizationServerMetadata,
  buildAuthorizeUrl,
  type ClientRegistrationResponse,
  createClient,
  createPkcePair,
  createReminder,
  createState,
  getAuthorizationServerMetadata,
  isReminderItError,
  listReminders,
  parseAuthorizationResponse,
  type Reminder,
  type ReminderItError,
  type ReminderPage,
  registerClient,
  revokeToken,
  type TokenResponse,
  token,
  unwrap,
} from '@reminderit/sdk';
import { consentAsNewUser, type HeadlessUser } from './headless-consent.ts';
import { maskSecret } from './mask-secret.ts';

export interface FlowOptions {
  /** The ReminderIt server, e.g. http://localhost:3000. */
  baseUrl: string;
  /** A loopback redirect URI (on the server's trusted list by default, RFC 8252 §7.3). */
  redirectUri?: string;
  /** The account that consents (a new one is signed up). */
  user?: HeadlessUser;
  /** Receives one line per step. */
  log?: (line: string) => void;
}

export interface FlowResult {
  metadata: AuthorizationServerMetadata;
  registration: ClientRegistrationResponse;
  authorizeUrl: string;
  /** The partner's redirect_uri as the browser reached it: `?code&state&iss`. */
  callbackUrl: string;
  tokenResponse: TokenResponse;
  created: Reminder;
  listed: ReminderPage;
  /** What the reminders API answered with the key after revocation. */
  afterRevoke: ReminderItError;
}

export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8976/callback';
const SCOPE = 'reminders:read reminders:write';

export async function runPartnerFlow(opts: FlowOptions): Promise<FlowResult> {
  const log = opts.log ?? (() => {});
  const redirectUri = opts.redirectUri ?? DEFAULT_REDIRECT_URI;
  const client = createClient({ baseUrl: opts.baseUrl });

  // 1. Discovery (RFC 8414): the endpoints and the issuer to check `iss` against.
  const metadata = await unwrap(getAuthorizationServerMetadata({ client }));
  log(`1. discovered issuer ${metadata.issuer}`);

  // 2. Dynamic client registration (RFC 7591): a public client with a loopback redirect URI.
  const registration = await unwrap(
    registerClient({
      client,
      body: {
        client_name: 'Example partner (Node)',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    }),
  );
  log(`2. registered client ${registration.client_id} for ${redirectUri}`);

  // 3. PKCE (RFC 7636 §4.1–4.2) + state, then the URL the user's browser opens.
  const pkce = await createPkcePair();
  const state = createState();
  const authorizeUrl = buildAuthorizeUrl({
    authorizationEndpoint: metadata.authorization_endpoint,
    clientId: registration.client_id,
    redirectUri,
    codeChallenge: pkce.codeChallenge,
    state,
    scope: SCOPE,
  });
  log(`3. authorize URL ${authorizeUrl.split('?')[0]}?… (S256 challenge, scope "${SCOPE}")`);

  // 4. The user signs in and clicks Allow (here headless, through the server's account + consent API).
  const user = opts.user ?? { email: `partner-example-${Date.now()}@example.com`, password: 'correct horse battery staple' };
  const consented = await consentAsNewUser(opts.baseUrl, authorizeUrl, user);
  log(`4. ${user.email} allowed "${consented.request?.client.client_name}" → redirected to ${redirectUri}`);

  // 5. The redirect_uri handler: check iss (RFC 9207) and state (RFC 6749 §10.12), take the code.
  const { code } = parseAuthorizationResponse(consented.redirectTo, { state, issuer: metadata.issuer });
  log('5. callback checked (state, iss) → authorization code received');

  // 6. Code + verifier for an access token, which is a ReminderIt API key (rmt_…).
  const tokenResponse = await unwrap(
    token({
      client,
      body: {
        grant_type: 'authorization_code',
        code,
        code_verifier: pkce.codeVerifier,
        redirect_uri: redirectUri,
        client_id: registration.client_id,
      },
    }),
  );
  log(`6. token ${maskSecret(tokenResponse.access_token)} (${tokenResponse.token_type}, scope "${tokenResponse.scope}")`);

  // 7. The reminders API with the key as bearer token.
  const api = createClient({ baseUrl: opts.baseUrl, auth: tokenResponse.access_token });
  const created = await unwrap(
    createReminder({
      client: api,
      body: {
        text: 'Call the partner back',
        due_at: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
        channel: 'phone',
        phone_number: '+15555550123',
      },
    }),
  );
  log(`7. created reminder ${created.id} due ${created.due_at} (${created.status})`);
  const listed = await unwrap(listReminders({ client: api, query: { status: 'upcoming', limit: 10 } }));
  log(`8. listed ${listed.reminders.length} upcoming reminder(s)`);

  // 9. Revocation (RFC 7009): the key stops working at once.
  await unwrap(revokeToken({ client, body: { token: tokenResponse.access_token, client_id: registration.client_id } }));
  log(`9. revoked ${maskSecret(tokenResponse.access_token)}`);

  // 10. The revoked key is refused: 401 with the OAuth code `invalid_token`, as a typed error.
  let afterRevoke: ReminderItError;
  try {
    await unwrap(listReminders({ client: api }));
    throw new Error('the revoked key was still accepted');
  } catch (err) {
    if (!isReminderItError(err)) throw err;
    afterRevoke = err;
  }
  log(`10. after revocation: ${afterRevoke.status} ${afterRevoke.error}`);

  return { metadata, registration, authorizeUrl, callbackUrl: consented.redirectTo, tokenResponse, created, listed, afterRevoke };
}

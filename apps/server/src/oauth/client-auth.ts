// Client authentication at the token and revocation endpoints (RFC 6749 §2.3.1), by the method the client
// registered (RFC 7591 §2): `none` (public, PKCE-only), `client_secret_post`, `client_secret_basic`.
// Failures are 401 invalid_client (RFC 6749 §5.2) — clients such as Claude.ai re-register on it.
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { safeEqual, sha256Hex } from '../crypto.ts';
import { invalidClient, invalidRequest } from '../errors.ts';
import type { OAuthClientRow } from '../store/db/schema.ts';
import { touchClient } from './client-expiry.ts';
import { findClient } from './clients.ts';

const CHALLENGE = { 'www-authenticate': 'Basic realm="ReminderIt", charset="UTF-8"' };
const fail = (description: string) => invalidClient(description, CHALLENGE);

interface BasicCredentials {
  clientId: string;
  secret: string;
}

/** RFC 6749 §2.3.1 / RFC 7617: base64(urlencode(id) ":" urlencode(secret)). */
function parseBasic(header: string | undefined): BasicCredentials | undefined {
  const match = header ? /^Basic[ ]+([A-Za-z0-9+/=]+)[ ]*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw fail('Malformed Basic credentials.');
  try {
    const form = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: form(decoded.slice(0, colon)), secret: form(decoded.slice(colon + 1)) };
  } catch {
    throw fail('Malformed Basic credentials.');
  }
}

function secretMatches(client: OAuthClientRow, secret: string): boolean {
  return client.secretHash !== null && safeEqual(sha256Hex(secret), client.secretHash);
}

export async function authenticateClient(
  ctx: Pick<AppContext, 'db' | 'clock' | 'clients'>,
  req: FastifyRequest,
  body: { client_id?: string; client_secret?: string },
): Promise<OAuthClientRow> {
  const basic = parseBasic(req.headers.authorization);
  // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
  if (basic && body.client_secret !== undefined) throw invalidRequest('Use one client authentication method, not two.');
  if (basic && body.client_id !== undefined && body.client_id !== basic.clientId) {
    throw invalidRequest('client_id does not match the Basic credentials.');
  }
  const clientId = basic?.clientId ?? body.client_id;
  if (!clientId) throw fail('Client authentication failed: no client_id.');
  const client = await findClient(ctx, clientId);
  if (!client) throw fail('Unknown client. Register again.');
  // A URL client_id (Client ID Metadata Document) was mirrored into oauth_clients at /authorize, as `none`.
  checkCredentials(client, basic, body.client_secret);
  await touchClient(ctx, client); // use renews the registration (client-expiry.ts)
  return client;
}

function checkCredentials(client: OAuthClientRow, basic: BasicCredentials | undefined, clientSecret: string | undefined): void {
  switch (client.tokenEndpointAuthMethod) {
    case 'none':
      if (basic || clientSecret !== undefined) throw fail('This client is registered without a secret.');
      return;
    case 'client_secret_basic':
      if (!basic || !secretMatches(client, basic.secret)) throw fail('Client authentication failed.');
      return;
    case 'client_secret_post':
      if (clientSecret === undefined || !secretMatches(client, clientSecret)) throw fail('Client authentication failed.');
      return;
    default:
      throw fail('Client authentication failed.');
  }
}

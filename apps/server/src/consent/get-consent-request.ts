// GET /api/consent/{requestId}: what the consent page shows about a pending authorization request.
import type { GetConsentRequestData, GetConsentRequestResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { operation } from '../http/operation.ts';
import { findClient } from '../oauth/clients.ts';
import { readPendingRequest } from '../oauth/pending-requests.ts';
import { isLoopbackRedirect } from '../oauth/redirect-uris.ts';
import { SCOPES } from '../oauth/scopes.ts';
import type { Scope } from '@reminderit/sdk';
import { NO_STORE } from '../http/cache-control.ts';

export const consentRequestNotFound = () =>
  notFound('This sign-in request has expired or was already answered. Go back to the app and connect again.');

export function getConsentRequest(ctx: AppContext) {
  return operation<GetConsentRequestData, GetConsentRequestResponses>(async ({ path }) => {
    const pending = await readPendingRequest(ctx, path.requestId);
    const client = pending ? await findClient(ctx, pending.clientId) : undefined;
    if (!pending || !client) throw consentRequestNotFound();
    return {
      status: 200,
      headers: NO_STORE,
      body: {
        request_id: path.requestId,
        client: { client_id: client.id, client_name: client.clientName, label: client.label },
        redirect_uri: pending.redirectUri,
        redirect_host: new URL(pending.redirectUri).host,
        is_loopback: isLoopbackRedirect(pending.redirectUri),
        scopes: (pending.scopes as Scope[]).map((name) => ({ name, description: SCOPES[name] })),
        resource: pending.resource,
        expires_at: new Date(pending.expiresAt).toISOString(),
      },
    };
  });
}

// GET /api/consent/{requestId}: what the consent page shows about a pending authorization request.
import type { GetConsentRequestData, GetConsentRequestResponses, Scope } from '@reminderit/sdk';
import { requireSession } from '../accounts/session-auth.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { operation } from '../http/operation.ts';
import { metadataDocumentHost } from '../oauth/client-metadata-document.ts';
import { findClient } from '../oauth/clients.ts';
import { claimPendingRequest } from '../oauth/consent-binding.ts';
import { readPendingRequest, updatePendingRequest } from '../oauth/pending-requests.ts';
import { isLoopbackRedirect } from '../oauth/redirect-uris.ts';
import { SCOPES } from '../oauth/scopes.ts';

/** One answer for unknown, expired, answered and someone else's requests (consent-binding.ts). */
export const consentRequestNotFound = () =>
  notFound('This sign-in request has expired, was already answered or was started in another browser or account. Go back to the app and connect again.');

export function getConsentRequest(ctx: AppContext) {
  return operation<GetConsentRequestData, GetConsentRequestResponses>(async ({ path, auth, raw }) => {
    const session = requireSession(auth);
    const stored = await readPendingRequest(ctx, path.requestId);
    const pending = stored ? claimPendingRequest(ctx, raw, session, stored) : undefined;
    const client = pending ? await findClient(ctx, pending.clientId) : undefined;
    if (!pending || !client) throw consentRequestNotFound();
    if (stored?.userId === undefined) await updatePendingRequest(ctx, path.requestId, pending);
    return {
      status: 200,
      body: {
        request_id: path.requestId,
        client: {
          client_id: client.id,
          client_name: client.clientName,
          label: client.label,
          // The host that published the Client ID Metadata Document: verified by fetching it over https.
          metadata_document_host: metadataDocumentHost(client.id) ?? null,
        },
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

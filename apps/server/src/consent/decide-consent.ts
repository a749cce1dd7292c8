// POST /api/consent/{requestId}: the user's Allow / Deny. Allow issues a code bound to client, redirect URI,
// PKCE challenge, user, scope and resource (RFC 6749 §4.1.2); Deny answers access_denied (§4.1.2.1). Both
// go back to the client with `state` and `iss` (RFC 9207).
import type { DecideConsentData, DecideConsentResponses } from '@reminderit/sdk';
import type { FastifyRequest } from 'fastify';
import { requireSession, type SessionAuth } from '../accounts/session-auth.ts';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { newCode } from '../oauth/authorization-codes.ts';
import { claimPendingRequest } from '../oauth/consent-binding.ts';
import { exchangePendingRequest, type PendingRequest, readPendingRequestAsStored, takePendingRequest } from '../oauth/pending-requests.ts';
import { authorizationError, redirectWithParams } from '../oauth/redirect-response.ts';
import { consentRequestNotFound } from './get-consent-request.ts';

/** A request that changed between read and exchange (bound to its user meanwhile) is read once more. */
const ALLOW_ATTEMPTS = 2;

export function decideConsent(ctx: AppContext) {
  const issuer = ctx.config.publicUrl;

  /**
   * Allow: the request is read and checked, then taken and its code stored in one atomic KV call only if it
   * is still as read — someone else's attempt leaves the owner's request in place, and a double submit
   * yields one code, not two.
   */
  async function allow(requestId: string, req: FastifyRequest, session: SessionAuth): Promise<string> {
    for (let attempt = 0; attempt < ALLOW_ATTEMPTS; attempt++) {
      const read = await readPendingRequestAsStored(ctx, requestId);
      const pending = read ? claimPendingRequest(ctx, req, session, read.request) : undefined;
      if (!read || !pending) break;
      const { code, entry } = newCode(ctx, {
        clientId: pending.clientId,
        redirectUri: pending.redirectUri,
        redirectUriSent: pending.redirectUriSent,
        codeChallenge: pending.codeChallenge,
        userId: session.userId,
        scopes: pending.scopes,
        resource: pending.resource,
      });
      if (await exchangePendingRequest(ctx, read, entry)) return redirectWithParams(pending.redirectUri, { code, state: pending.state, iss: issuer });
    }
    throw consentRequestNotFound();
  }

  /** Deny: checked before taking, so that someone else's attempt leaves the owner's request in place. */
  async function deny(requestId: string, req: FastifyRequest, session: SessionAuth): Promise<string> {
    const read = await readPendingRequestAsStored(ctx, requestId);
    if (!read || !claimPendingRequest(ctx, req, session, read.request)) throw consentRequestNotFound();
    const taken = await takePendingRequest(ctx, requestId);
    const pending: PendingRequest | undefined = taken ? claimPendingRequest(ctx, req, session, taken) : undefined;
    if (!pending) throw consentRequestNotFound();
    return authorizationError(pending.redirectUri, issuer, pending.state, 'access_denied', 'The user denied access.');
  }

  return operation<DecideConsentData, DecideConsentResponses>(async ({ path, body, auth, raw }) => {
    const session = requireSession(auth);
    const redirectTo = body.decision === 'allow' ? await allow(path.requestId, raw, session) : await deny(path.requestId, raw, session);
    return { status: 200, body: { redirect_to: redirectTo } };
  });
}

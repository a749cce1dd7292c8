// POST /api/consent/{requestId}: the user's Allow / Deny. Allow issues a code bound to client, redirect URI,
// PKCE challenge, user, scope and resource (RFC 6749 §4.1.2); Deny answers access_denied (§4.1.2.1). Both
// go back to the client with `state` and `iss` (RFC 9207).
import type { DecideConsentData, DecideConsentResponses } from '@reminderit/sdk';
import { requireSession } from '../accounts/session-auth.ts';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { issueCode } from '../oauth/authorization-codes.ts';
import { claimPendingRequest } from '../oauth/consent-binding.ts';
import { readPendingRequest, takePendingRequest } from '../oauth/pending-requests.ts';
import { authorizationError, redirectWithParams } from '../oauth/redirect-response.ts';
import { consentRequestNotFound } from './get-consent-request.ts';

export function decideConsent(ctx: AppContext) {
  const issuer = ctx.config.publicUrl;
  return operation<DecideConsentData, DecideConsentResponses>(async ({ path, body, auth, raw }) => {
    const session = requireSession(auth);
    // Checked before taking, so that someone else's attempt leaves the owner's request in place.
    const stored = await readPendingRequest(ctx, path.requestId);
    if (!stored || !claimPendingRequest(ctx, raw, session, stored)) throw consentRequestNotFound();
    const taken = await takePendingRequest(ctx, path.requestId);
    const pending = taken ? claimPendingRequest(ctx, raw, session, taken) : undefined;
    if (!pending) throw consentRequestNotFound();
    let redirectTo: string;
    if (body.decision === 'allow') {
      const code = await issueCode(ctx, {
        clientId: pending.clientId,
        redirectUri: pending.redirectUri,
        redirectUriSent: pending.redirectUriSent,
        codeChallenge: pending.codeChallenge,
        userId: session.userId,
        scopes: pending.scopes,
        resource: pending.resource,
      });
      redirectTo = redirectWithParams(pending.redirectUri, { code, state: pending.state, iss: issuer });
    } else {
      redirectTo = authorizationError(pending.redirectUri, issuer, pending.state, 'access_denied', 'The user denied access.');
    }
    return { status: 200, body: { redirect_to: redirectTo } };
  });
}

// getConsentRequest, decideConsent.
import type {
  DecideConsentData,
  DecideConsentErrors,
  DecideConsentResponses,
  GetConsentRequestData,
  GetConsentRequestErrors,
  GetConsentRequestResponses,
} from '@reminderit/sdk';
import { csrfError, sessionError } from '../auth.ts';
import { isRecord, oauthError, type Router, readJson } from '../respond.ts';
import { type MockState, randomToken } from '../state.ts';

const REQUEST_ID = /^[A-Za-z0-9_-]{16,128}$/;
const CODE_TTL_MS = 60_000;

const badRequestId = oauthError(400, 'invalid_request', 'Invalid request: path.requestId must match pattern "^[A-Za-z0-9_-]{16,128}$".');
const notFound = oauthError(404, 'not_found', 'This authorization request is unknown or has expired.');

/** `redirect_uri` plus the authorization response parameters (RFC 6749 §4.1.2, RFC 9207 `iss`). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

export function consentHandlers(on: Router, state: MockState) {
  return [
    on<GetConsentRequestData, GetConsentRequestResponses & GetConsentRequestErrors>('get', '/api/consent/{requestId}', ({ params }) => {
      if (!REQUEST_ID.test(params.requestId ?? '')) return badRequestId;
      const denied = sessionError(state);
      if (denied) return denied;
      const pending = state.pendingRequests.get(params.requestId!);
      if (!pending) return notFound;
      return { status: 200, body: pending };
    }),

    on<DecideConsentData, DecideConsentResponses & DecideConsentErrors>('post', '/api/consent/{requestId}', async ({ request, params, url }) => {
      if (!REQUEST_ID.test(params.requestId ?? '')) return badRequestId;
      const body = await readJson(request);
      if (!isRecord(body) || (body.decision !== 'allow' && body.decision !== 'deny')) {
        return oauthError(400, 'invalid_request', 'Invalid request: body.decision must be allow or deny.');
      }
      const denied = csrfError(state, request);
      if (denied) return denied;
      const id = params.requestId!;
      const pending = state.pendingRequests.get(id);
      if (!pending) return notFound;
      const extra = state.authorizations.get(id) ?? {};
      // The pending request is single use, whatever the decision.
      state.pendingRequests.delete(id);
      state.authorizations.delete(id);
      const iss = url.origin;
      if (body.decision === 'deny') {
        const redirect_to = redirectWith(pending.redirect_uri, {
          error: 'access_denied',
          error_description: 'The user denied the request.',
          state: extra.state,
          iss,
        });
        return { status: 200, body: { redirect_to } };
      }
      const code = randomToken(40);
      state.codes.set(code, { ...extra, request: pending, expiresAt: Date.now() + CODE_TTL_MS });
      return { status: 200, body: { redirect_to: redirectWith(pending.redirect_uri, { code, state: extra.state, iss }) } };
    }),
  ];
}

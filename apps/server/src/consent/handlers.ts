import type { AppContext } from '../context.ts';
import { decideConsent } from './decide-consent.ts';
import { getConsentRequest } from './get-consent-request.ts';

export function consentHandlers(ctx: AppContext) {
  return { getConsentRequest: getConsentRequest(ctx), decideConsent: decideConsent(ctx) };
}

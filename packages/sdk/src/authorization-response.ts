// The partner's redirect_uri handler: reads the authorization response the browser brings back
// (RFC 6749 §4.1.2 success, §4.1.2.1 error), after the mix-up and CSRF checks.
import { isReminderItErrorCode, ReminderItError } from './reminderit-error.js';

export interface AuthorizationResponseChecks {
  /** The `state` sent in the authorization request (RFC 6749 §10.12: the response must echo it). */
  state: string;
  /** The server's issuer (`issuer` of its RFC 8414 metadata); then `iss` must be present and equal (RFC 9207 §2.4). */
  issuer?: string;
}

export interface AuthorizationCode {
  code: string;
  /** The `iss` parameter as received (RFC 9207), if any. */
  iss?: string;
}

/**
 * The code of an authorization response URL (your redirect_uri with `?code&state&iss`).
 * Throws a plain Error on an `iss` or `state` mismatch (a mix-up or CSRF attempt: do not retry with it) and a
 * ReminderItError (status 302) when the server sent an error such as `access_denied` (RFC 6749 §4.1.2.1).
 */
export function parseAuthorizationResponse(url: string | URL, checks: AuthorizationResponseChecks): AuthorizationCode {
  const params = new URL(url).searchParams;
  const iss = params.get('iss') ?? undefined;
  if (checks.issuer !== undefined && iss !== checks.issuer) {
    throw new Error(`authorization response iss ${JSON.stringify(iss ?? null)} is not the expected issuer (RFC 9207)`);
  }
  if (params.get('state') !== checks.state) {
    throw new Error('authorization response state does not match the request (RFC 6749 §10.12)');
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    if (isReminderItErrorCode(error)) {
      throw new ReminderItError({ status: 302, error, ...(description === null ? {} : { error_description: description }) });
    }
    // A code outside the contract (an extension, RFC 6749 §8.5): reported as invalid_request, keeping what came.
    throw new ReminderItError({ status: 302, error: 'invalid_request', error_description: [error, description].filter((p) => p !== null).join(': ') });
  }
  const code = params.get('code');
  if (!code) throw new ReminderItError({ status: 302, error: 'invalid_request', error_description: 'authorization response has no code' });
  return iss === undefined ? { code } : { code, iss };
}

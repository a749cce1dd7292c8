// The `error` of a ReminderItError is typed as the contract's OAuthErrorCode union (generated, with a runtime
// object of the same name), so partners can switch on it exhaustively; anything outside the contract is mapped,
// never passed through under a type it does not have.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createClient,
  isReminderItErrorCode,
  OAuthErrorCode,
  parseAuthorizationResponse,
  type ReminderItError,
  type ReminderItErrorCode,
  token,
  unwrap,
} from '../src/index.js';
import { fakeFetch, json } from './fake-fetch.js';

const exchange = { grant_type: 'authorization_code', code: 'c', code_verifier: 'v'.repeat(43), redirect_uri: 'http://127.0.0.1/cb', client_id: 'c1' };

async function failure(promise: Promise<unknown>): Promise<ReminderItError> {
  try {
    await promise;
  } catch (err) {
    return err as ReminderItError;
  }
  throw new Error('expected the call to fail');
}

describe('error codes', () => {
  it('types error as the generated OAuthErrorCode union, with its values at run time', () => {
    expectTypeOf<ReminderItError['error']>().toEqualTypeOf<OAuthErrorCode>();
    expectTypeOf<ReminderItErrorCode>().toEqualTypeOf<OAuthErrorCode>();
    expect(OAuthErrorCode.INVALID_GRANT).toBe('invalid_grant');
    expect(Object.values(OAuthErrorCode)).toEqual(expect.arrayContaining(['invalid_token', 'insufficient_scope', 'access_denied', 'rate_limited']));
    expect(isReminderItErrorCode('invalid_target')).toBe(true);
    expect(isReminderItErrorCode('made_up')).toBe(false);
    expect(isReminderItErrorCode(42)).toBe(false);
  });

  it('maps a JSON error with a code the contract does not declare by status, keeping the received code in the description', async () => {
    const client = createClient({ baseUrl: 'https://rmt.example', fetch: fakeFetch(() => json(429, { error: 'slow_down', error_description: 'Too fast.' })) });
    const e = await failure(unwrap(token({ client, body: exchange })));
    expect(e.error).toBe('rate_limited');
    expect(e.error_description).toBe('slow_down: Too fast.');
    expect(e.body).toEqual({ error: 'slow_down', error_description: 'Too fast.' });
  });

  it('reports a redirect error outside the contract as invalid_request, keeping what came', () => {
    let e: ReminderItError | undefined;
    try {
      parseAuthorizationResponse('http://127.0.0.1/cb?error=interaction_required&error_description=Log+in&state=s', { state: 's' });
    } catch (err) {
      e = err as ReminderItError;
    }
    expect(e).toMatchObject({ status: 302, error: 'invalid_request', error_description: 'interaction_required: Log in' });
  });
});

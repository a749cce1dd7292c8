import { describe, expect, it } from 'vitest';
import { isReminderItError, parseAuthorizationResponse, type ReminderItError } from '../src/index.js';

const ISSUER = 'https://rmt.example';
const CALLBACK = 'http://127.0.0.1:8080/callback';

function callback(params: Record<string, string>): string {
  return `${CALLBACK}?${new URLSearchParams(params)}`;
}

describe('parseAuthorizationResponse', () => {
  it('returns the code when state and iss match', () => {
    expect(parseAuthorizationResponse(callback({ code: 'c1', state: 's1', iss: ISSUER }), { state: 's1', issuer: ISSUER })).toEqual({
      code: 'c1',
      iss: ISSUER,
    });
  });

  it('rejects a response whose state is not the one sent (RFC 6749 §10.12)', () => {
    expect(() => parseAuthorizationResponse(callback({ code: 'c1', state: 'other', iss: ISSUER }), { state: 's1', issuer: ISSUER })).toThrow(/state/);
  });

  it('rejects a response from another issuer, or without iss when one is expected (RFC 9207 §2.4)', () => {
    expect(() => parseAuthorizationResponse(callback({ code: 'c1', state: 's1', iss: 'https://evil.example' }), { state: 's1', issuer: ISSUER })).toThrow(
      /iss/,
    );
    expect(() => parseAuthorizationResponse(callback({ code: 'c1', state: 's1' }), { state: 's1', issuer: ISSUER })).toThrow(/iss/);
  });

  it('surfaces an error response such as access_denied as a ReminderItError', () => {
    let thrown: unknown;
    try {
      parseAuthorizationResponse(callback({ error: 'access_denied', error_description: 'The user denied access.', state: 's1', iss: ISSUER }), {
        state: 's1',
        issuer: ISSUER,
      });
    } catch (err) {
      thrown = err;
    }
    expect(isReminderItError(thrown)).toBe(true);
    expect((thrown as ReminderItError).error).toBe('access_denied');
  });
});

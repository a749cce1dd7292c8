import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl } from '../src/authorize-url.js';
import { createCodeChallenge, createCodeVerifier, createPkcePair } from '../src/pkce.js';

describe('PKCE helpers', () => {
  it('derives the S256 challenge of RFC 7636 Appendix B', async () => {
    expect(await createCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('creates verifiers of the RFC 7636 §4.1 alphabet and length, different each time', () => {
    const a = createCodeVerifier();
    const b = createCodeVerifier();
    expect(a).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(a).not.toBe(b);
  });

  it('pairs a verifier with its own challenge', async () => {
    const pair = await createPkcePair();
    expect(pair.codeChallengeMethod).toBe('S256');
    expect(pair.codeChallenge).toBe(await createCodeChallenge(pair.codeVerifier));
  });
});

describe('buildAuthorizeUrl', () => {
  it('puts every authorization request parameter on the authorize endpoint', () => {
    const url = new URL(
      buildAuthorizeUrl({
        authorizationEndpoint: 'https://rmt.example',
        clientId: 'c1',
        redirectUri: 'https://claude.ai/api/mcp/auth_callback',
        codeChallenge: 'ch',
        state: 's t',
        scope: 'reminders:read',
        resource: 'https://rmt.example/mcp',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://rmt.example/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'c1',
      redirect_uri: 'https://claude.ai/api/mcp/auth_callback',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      state: 's t',
      scope: 'reminders:read',
      resource: 'https://rmt.example/mcp',
    });
  });

  it('keeps an explicit authorization_endpoint as given', () => {
    const url = buildAuthorizeUrl({
      authorizationEndpoint: 'https://rmt.example/oauth/authorize',
      clientId: 'c1',
      redirectUri: 'http://127.0.0.1:5000/cb',
      codeChallenge: 'ch',
      state: 's',
    });
    expect(url.startsWith('https://rmt.example/oauth/authorize?')).toBe(true);
  });
});

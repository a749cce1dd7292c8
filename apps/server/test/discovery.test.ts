import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/test-app.ts';

describe('discovery (RFC 8414, RFC 9728)', () => {
  const t = useTestApp({ env: { PUBLIC_URL: 'https://auth.reminderit.test' } });

  it('serves authorization-server metadata with issuer = PUBLIC_URL and S256 only', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json();
    expect(doc).toMatchObject({
      issuer: 'https://auth.reminderit.test',
      authorization_endpoint: 'https://auth.reminderit.test/authorize',
      token_endpoint: 'https://auth.reminderit.test/token',
      registration_endpoint: 'https://auth.reminderit.test/register',
      revocation_endpoint: 'https://auth.reminderit.test/revoke',
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(doc.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_post', 'client_secret_basic']);
    expect(doc.scopes_supported).toEqual(['reminders:read', 'reminders:write']);
  });

  it('advertises Client ID Metadata Documents with `none` (what Claude needs to use them) and keeps DCR', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json();
    expect(doc.client_id_metadata_document_supported).toBe(true);
    expect(doc.token_endpoint_auth_methods_supported).toContain('none');
    expect(doc.registration_endpoint).toBe('https://auth.reminderit.test/register');
  });

  it('serves /mcp protected-resource metadata naming exactly this issuer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-protected-resource/mcp' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      resource: 'https://auth.reminderit.test/mcp',
      authorization_servers: ['https://auth.reminderit.test'],
      scopes_supported: ['reminders:read', 'reminders:write'],
      bearer_methods_supported: ['header'],
    });
  });

  it('serves the same resource document at the root well-known path', async () => {
    const root = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-protected-resource' });
    const mcp = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-protected-resource/mcp' });
    expect(root.statusCode).toBe(200);
    expect(root.json()).toEqual(mcp.json());
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await t.app.inject({ method: 'HEAD', url: '/.well-known/oauth-authorization-server' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });
});

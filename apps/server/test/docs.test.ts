// GET /openapi.yaml and the API reference at /docs: the spec the server validates against, served with
// PUBLIC_URL as its one server, and a reference page that loads nothing but this server's own scripts.
import { readFileSync } from 'node:fs';
import { specPath } from '@reminderit/openapi/path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { useTestApp } from './support/test-app.ts';

const PUBLIC_URL = 'https://reminders.example';

describe('the served contract and API reference', () => {
  const t = useTestApp({ env: { PUBLIC_URL } });

  it('serves the spec as YAML, identical to openapi.yaml except servers = PUBLIC_URL', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.yaml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    const served = parse(res.body) as Record<string, unknown>;
    const { servers, ...rest } = served;
    const { servers: fileServers, ...fileRest } = parse(readFileSync(specPath, 'utf8')) as Record<string, unknown>;
    expect(fileServers).not.toEqual(servers);
    expect(servers).toEqual([{ url: PUBLIC_URL, description: 'This server (`PUBLIC_URL`).' }]);
    expect(rest).toEqual(fileRest);
  });

  it('answers HEAD /openapi.yaml with the headers and no body', async () => {
    const res = await t.app.inject({ method: 'HEAD', url: '/openapi.yaml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(res.body).toBe('');
  });

  it('serves /docs as HTML with a strict CSP that names no other origin', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // Only this server: its own origin, and PUBLIC_URL's for "Try it".
    const sources = [...directives.values()].flat().filter((s) => /^[a-z]+:\/\//.test(s) || s.includes('*'));
    expect(sources).toEqual([PUBLIC_URL]);
    expect(csp).not.toMatch(/unsafe-eval/);
  });

  it('/docs loads only same-origin scripts, none inline, and points the reference at /openapi.yaml', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs' });
    const scripts = [...res.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, content] of scripts) {
      expect(content?.trim()).toBe(''); // no inline script
      expect(attributes).toMatch(/\bsrc="\/docs\/assets\/[^"/]+\.js"/);
    }
    expect(res.body).not.toMatch(/https?:\/\//); // no absolute URL at all: nothing from elsewhere
    expect(res.body).toMatch(/data-url="\/openapi\.yaml"/);
    expect(res.body).toMatch(/&quot;withDefaultFonts&quot;:false/);
  });

  it('serves the script the page links, as JavaScript cached as immutable', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs' });
    const src = /<script src="([^"]+)"/.exec(page.body)?.[1];
    expect(src).toMatch(/^\/docs\/assets\/scalar-api-reference-\d+\.\d+\.\d+\.js$/);
    const res = await t.app.inject({ method: 'GET', url: src! });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toContain('createApiReference');
    const head = await t.app.inject({ method: 'HEAD', url: src! });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('answers 404 not_found for an asset it does not have', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/assets/x' });
    expectOAuthError(res, 404, 'not_found');
    const older = await t.app.inject({ method: 'GET', url: '/docs/assets/scalar-api-reference-0.0.1.js' });
    expectOAuthError(older, 404, 'not_found');
  });

  it('rejects an asset name the contract does not allow (400 invalid_request): no path tricks reach the handler', async () => {
    for (const file of ['..%2Fpackage.json', '.hidden', 'a%20b.js']) {
      const res = await t.app.inject({ method: 'GET', url: `/docs/assets/${file}` });
      expectOAuthError(res, 400, 'invalid_request');
    }
  });
});

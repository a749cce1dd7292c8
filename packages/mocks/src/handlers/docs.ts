// getOpenApiSpec, getApiReference, getApiReferenceAsset: the mocks serve the contract (its `servers` set to the
// origin they answer on, as the real server sets PUBLIC_URL) and a reference page built like the real one,
// whose one script is a mock asset (the real page loads Scalar's bundle).

import { withServers } from '@reminderit/openapi/servers';
import type {
  GetApiReferenceAssetData,
  GetApiReferenceAssetErrors,
  GetApiReferenceAssetResponses,
  GetApiReferenceData,
  GetApiReferenceErrors,
  GetApiReferenceResponses,
  GetOpenApiSpecData,
  GetOpenApiSpecErrors,
  GetOpenApiSpecResponses,
} from '@reminderit/sdk';
import { stringify } from 'yaml';
import { oauthError, type Router } from '../respond.ts';

/** The one asset the mock reference page loads. */
export const mockReferenceScript = 'scalar-api-reference-mock.js';

const REFERENCE_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

/**
 * The document `/openapi.yaml` serves: the contract (when given) with `servers` set to the origin the mocks
 * answer on, layout kept; else a valid OpenAPI 3.1 document naming only the mock server.
 */
export function mockOpenApiDocument(origin: string, contract?: string): string {
  const servers = [{ url: origin, description: 'The MSW mock server.' }];
  if (contract === undefined) {
    return stringify({ openapi: '3.1.0', info: { title: 'ReminderIt connector auth (mocks)', version: '0.1.0' }, servers, paths: {} });
  }
  return withServers(contract, servers);
}

const referencePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ReminderIt API reference (mocks)</title></head>
<body><div id="api-reference" data-url="/openapi.yaml"></div><script src="/docs/assets/${mockReferenceScript}"></script></body></html>
`;

const referenceScript = `document.getElementById('api-reference').textContent = 'ReminderIt API reference (mocks)';\n`;

export function docsHandlers(on: Router, contract?: string | (() => string)) {
  return [
    on<GetOpenApiSpecData, GetOpenApiSpecResponses & GetOpenApiSpecErrors>('get', '/openapi.yaml', ({ url }) => ({
      status: 200,
      body: mockOpenApiDocument(url.origin, typeof contract === 'function' ? contract() : contract),
      headers: { 'Content-Type': 'application/yaml; charset=utf-8', 'Cache-Control': 'no-cache' },
    })),
    on<GetApiReferenceData, GetApiReferenceResponses & GetApiReferenceErrors>('get', '/docs', () => ({
      status: 200,
      body: referencePage,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': REFERENCE_CSP },
    })),
    on<GetApiReferenceAssetData, GetApiReferenceAssetResponses & GetApiReferenceAssetErrors>('get', '/docs/assets/{file}', ({ params }) =>
      params.file === mockReferenceScript
        ? {
            status: 200,
            body: referenceScript,
            headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable' },
          }
        : oauthError(404, 'not_found', 'No such asset.'),
    ),
  ];
}

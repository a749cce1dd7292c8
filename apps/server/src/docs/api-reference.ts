// GET /docs: the interactive API reference. The page is static HTML that loads Scalar's bundle from this
// origin (/docs/assets/…) and hands it its configuration in a data attribute, so it needs no inline script,
// no CDN and no web font: it works offline, and its CSP names no origin but this server's.
import type { GetApiReferenceData, GetApiReferenceResponses } from '@reminderit/sdk';
import type { Config } from '../config.ts';
import { escapeHtml } from '../escape-html.ts';
import { operation } from '../http/operation.ts';
import type { ReferenceBundle } from './reference-bundle.ts';

/** Scalar configuration: everything that would reach a third party is off (fonts, telemetry, AI agent, proxy). */
const SCALAR_CONFIGURATION = {
  withDefaultFonts: false, // the default fonts come from Scalar's font CDN
  telemetry: false,
  agent: { disabled: true }, // "Ask AI" talks to Scalar's servers
  mcp: { disabled: true },
  proxyUrl: '', // "Try it" calls this server directly (same origin), never Scalar's request proxy
  showDeveloperTools: 'never',
  hideClientButton: false,
  documentDownloadType: 'yaml',
  metaData: { title: 'ReminderIt API reference' },
};

/**
 * Same-origin only. Styles need 'unsafe-inline': the bundle injects its stylesheet as a <style> element and
 * Vue sets style attributes. `connect-src` adds PUBLIC_URL's origin for "Try it" behind a proxy that
 * rewrites the host. Zod's eval probe (`Function('')`) is refused, and it falls back.
 */
export function apiReferenceCsp(config: Pick<Config, 'publicUrl'>): string {
  const publicOrigin = new URL(config.publicUrl).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${publicOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function apiReferencePage(bundle: Pick<ReferenceBundle, 'fileName'>): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ReminderIt API reference</title>
</head>
<body>
<div id="api-reference" data-url="/openapi.yaml" data-configuration="${escapeHtml(JSON.stringify(SCALAR_CONFIGURATION))}"></div>
<script src="/docs/assets/${escapeHtml(bundle.fileName)}"></script>
</body>
</html>
`;
}

export function apiReferenceHandlers({ config, bundle }: { config: Config; bundle: ReferenceBundle }) {
  const body = apiReferencePage(bundle);
  const csp = apiReferenceCsp(config);
  return {
    getApiReference: operation<GetApiReferenceData, GetApiReferenceResponses>(async () => ({
      status: 200,
      body,
      contentType: 'text/html; charset=utf-8',
      headers: { 'cache-control': 'no-cache', 'content-security-policy': csp },
    })),
  };
}

// The page shown instead of redirecting when the client or redirect URI can't be trusted (RFC 6749
// §4.1.2.1: MUST NOT automatically redirect to an invalid redirection URI; RFC 9700 §4.11.1 open redirects).

import { escapeHtml } from '../escape-html.ts';
import type { RawResult } from '../http/operation.ts';

export function authorizationErrorPage(error: string, description: string): RawResult {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Can't connect — ReminderIt</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .25rem}</style>
</head><body>
<h1>This app can't connect to ReminderIt</h1>
<p>${escapeHtml(description)}</p>
<p>Error code: <code>${escapeHtml(error)}</code>. You can close this window and try connecting again from the app.</p>
</body></html>`;
  return {
    status: 400,
    body,
    contentType: 'text/html; charset=utf-8',
    headers: { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'" },
  };
}

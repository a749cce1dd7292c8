// What every response to a fuzzed request must satisfy (project rule: bad input gets a clear,
// spec-conformant error, never a 500, never a stack trace). Throws with a readable reason, so fast-check
// shrinks the request and reports it with the seed.

import { spec } from '@reminderit/openapi/spec-validator';
import type { LightMyRequestResponse } from 'fastify';
import { formatViolations, takeResponseViolations } from '../support/response-contract.ts';
import type { FuzzRequest } from './fuzz-requests.ts';

const ERROR_CODES = new Set<string>(spec.components.schemas.OAuthErrorCode.enum as string[]);

/** Text that only shows up when internals leak: a V8 stack frame, a dependency path, an exception name. */
const LEAK_MARKERS = [/\n\s+at /, /^\s{4}at /m, /node_modules/, /\b(Type|Reference|Syntax|Range)?Error: /, /\/src\/[\w/-]+\.ts/];

/** Static documents served as they are (the spec, the reference page, its script) are not scanned for markers. */
const STATIC_DOCUMENTS = new Set(['/openapi.yaml', '/docs']);

export function assertResponseProperties(req: FuzzRequest, res: LightMyRequestResponse): void {
  const where = `${req.method} ${req.url.slice(0, 300)} → ${res.statusCode}: ${res.body.slice(0, 500)}`;
  if (res.statusCode >= 500) throw new Error(`server error for a client request: ${where}`);

  // The setup hook records spec violations; take them here so this input, not the whole test, is blamed.
  const violations = takeResponseViolations();
  if (violations.length > 0) throw new Error(`response breaks openapi.yaml:\n${formatViolations(violations)}\nrequest: ${where}`);

  const contentType = String(res.headers['content-type'] ?? '');
  if (res.statusCode >= 400 && contentType.startsWith('application/json')) {
    const body = res.json() as Record<string, unknown>;
    const keys = Object.keys(body).sort();
    // MCP 2026-07-28 refusals on /mcp are JSON-RPC error responses carrying the request id (the contract
    // declares them there, and the response check above has validated this one against it).
    const jsonRpcError = req.url.split('?')[0] === '/mcp' && body.jsonrpc === '2.0' && typeof (body.error as { code?: unknown })?.code === 'number';
    const shapeOk =
      jsonRpcError ||
      (typeof body.error === 'string' &&
        ERROR_CODES.has(body.error) &&
        keys.every((k) => k === 'error' || k === 'error_description') &&
        (body.error_description === undefined || typeof body.error_description === 'string'));
    if (!shapeOk) throw new Error(`error body is not {error, error_description}: ${where}`);
  } else if (res.statusCode >= 400 && !(req.url.startsWith('/authorize') && contentType.startsWith('text/html'))) {
    throw new Error(`error response is not JSON (${contentType || 'no content type'}): ${where}`);
  }

  const staticDocument = res.statusCode < 300 && (STATIC_DOCUMENTS.has(req.url.split('?')[0]!) || req.url.startsWith('/docs/assets/'));
  if (!staticDocument) {
    const leak = LEAK_MARKERS.find((m) => m.test(res.body));
    if (leak) throw new Error(`response leaks internals (${leak}): ${where}`);
  }
  if (req.sentSecret && req.sentSecret.length >= 12) {
    const headers = JSON.stringify(res.headers);
    if (res.body.includes(req.sentSecret) || headers.includes(req.sentSecret)) throw new Error(`response echoes the bearer secret: ${where}`);
  }
}

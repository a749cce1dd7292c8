// Holds every response the server sends in the test suite to the contract: for a request the spec routes to
// an operation, the status must be listed for it, the headers it declares present (when required) and
// valid, and the body valid for the response's media type — the same checker the mocks' conform test uses
// (@reminderit/openapi/spec-validator). Requests the spec does not describe (consent app pages, unknown
// paths) are not checked. Violations are recorded here and fail the test that caused them
// (test/support/setup-response-contract.ts, registered in vitest.config.ts).

import { checkResponse, findOperation } from '@reminderit/openapi/spec-validator';
import type { FastifyInstance } from 'fastify';

export interface ResponseViolation {
  operationId: string;
  request: string;
  status: number;
  problems: string[];
}

const recorded: ResponseViolation[] = [];

/** Everything recorded since the last call, and forgets it. */
export function takeResponseViolations(): ResponseViolation[] {
  return recorded.splice(0);
}

export function formatViolations(violations: ResponseViolation[]): string {
  return violations.map((v) => `${v.operationId} (${v.request}) → ${v.status}:\n  ${v.problems.join('\n  ')}`).join('\n');
}

/** Checks every response `app` sends; call before app.ready(). */
export function checkResponsesAgainstSpec(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const pathname = (req.url.split('?', 1)[0] ?? '/').replace(/(.)\/+$/, '$1');
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const operation = findOperation(method, safeDecode(pathname));
    if (!operation) return payload;
    const headers = new Headers();
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, String(one));
    }
    const body =
      req.method === 'HEAD'
        ? undefined
        : payload === null || payload === undefined
          ? ''
          : typeof payload === 'string'
            ? payload
            : Buffer.isBuffer(payload)
              ? payload.toString('utf8')
              : undefined; // a stream (a static file): status and headers only
    const problems = checkResponse(operation, { status: reply.statusCode, headers, body });
    if (problems.length > 0) {
      recorded.push({ operationId: operation.operationId, request: `${req.method} ${pathname}`, status: reply.statusCode, problems });
    }
    return payload;
  });
}

function safeDecode(pathname: string): string {
  try {
    return decodeURI(pathname);
  } catch {
    return pathname;
  }
}

// The spec's security schemes, enforced by openapi-backend before validation and handlers:
// `sessionCookie` (consent app; CSRF-checked on state-changing calls) and `bearerApiKey` (RFC 6750).

import type { FastifyRequest } from 'fastify';
import type { Context } from 'openapi-backend';
import type { SessionAuth } from '../accounts/session-auth.ts';
import { readSession } from '../accounts/sessions.ts';
import type { AppContext } from '../context.ts';
import { safeEqual } from '../crypto.ts';
import { forbidden, invalidToken, isStorageUnavailable, storageUnavailable, unauthorized } from '../errors.ts';
import { bearerChallenge, bearerToken, type KeyAuth } from '../keys/bearer.ts';
import { SUPPORTED_SCOPES } from '../oauth/scopes.ts';
import type { RequestAuth } from './auth.ts';

export function securityHandlers(ctx: AppContext) {
  return {
    sessionCookie: async (_c: Context, req: FastifyRequest): Promise<SessionAuth | false> => (await readSession(ctx, req)) ?? false,
    bearerApiKey: async (_c: Context, req: FastifyRequest): Promise<KeyAuth | false> => {
      const token = bearerToken(req.headers.authorization);
      return (token ? await ctx.bearer.verify(token) : undefined) ?? false;
    },
  };
}

/**
 * 401 for a request that satisfied none of its operation's security requirements — unless a security handler
 * could not decide because storage failed (openapi-backend keeps a handler's exception as `{ error }` in
 * c.security): then 503, since an MCP client told 401 would discard a valid key. The bearer challenge names
 * the scopes to request (MCP 2025-11-25 authorization, "Protected Resource Metadata Discovery": the 401
 * SHOULD carry `scope`): every scope this server offers, the same set clients fall back to from
 * `scopes_supported`.
 */
export function unauthorizedError(ctx: AppContext, c: Context, req: FastifyRequest) {
  const results = Object.values((c.security ?? {}) as Record<string, unknown>);
  if (results.some((r) => isStorageUnavailable((r as { error?: unknown } | null)?.error))) return storageUnavailable();
  const schemes = (c.operation?.security ?? []).flatMap((r) => Object.keys(r));
  if (schemes.includes('bearerApiKey')) {
    const presented = req.headers.authorization !== undefined;
    const description = presented ? 'The access token is invalid, expired or revoked.' : 'An access token is required.';
    const scope = SUPPORTED_SCOPES.join(' ');
    const challenge = bearerChallenge(ctx, presented ? { code: 'invalid_token', description, scope } : { scope });
    return presented ? invalidToken(description, { 'www-authenticate': challenge }) : unauthorized(description, { 'www-authenticate': challenge });
  }
  return unauthorized('Sign in first.');
}

const CSRF_HEADER = 'x-csrf-token';

/** Whether an operation declares the X-CSRF-Token header, worked out once per operation. */
const csrfDeclared = new WeakMap<object, boolean>();
function declaresCsrfHeader(operation: NonNullable<Context['operation']>): boolean {
  let declares = csrfDeclared.get(operation);
  if (declares === undefined) {
    declares = (operation.parameters ?? []).some((p) => 'in' in p && p.in === 'header' && p.name.toLowerCase() === CSRF_HEADER);
    csrfDeclared.set(operation, declares);
  }
  return declares;
}

/**
 * CSRF check for cookie-authenticated state-changing calls: an operation that declares the X-CSRF-Token
 * header (the spec's CsrfToken parameter) must carry the session's token. The validator already requires
 * the header's presence; this compares it in constant time.
 */
export function checkCsrf(c: Context, req: FastifyRequest, auth: RequestAuth): void {
  if (!auth.session || !c.operation || !declaresCsrfHeader(c.operation)) return;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !safeEqual(sent, auth.session.csrfToken)) {
    throw forbidden('Missing or wrong CSRF token.');
  }
}

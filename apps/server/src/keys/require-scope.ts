// What an authenticated API key may do here, checked the same way for the REST API and for /mcp:
// the audience (RFC 8707) first, then the scopes the call needs (RFC 6750 §3.1).
import type { Scope } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { insufficientScope, invalidToken } from '../errors.ts';
import { SUPPORTED_SCOPES } from '../oauth/scopes.ts';
import { bearerChallenge, type KeyAuth } from './bearer.ts';

/**
 * RFC 8707 §2 + MCP authorization spec ("Token Audience Binding and Validation"): only keys issued for this
 * resource are accepted. A key minted for another resource is an invalid token here (RFC 6750 §3.1), with
 * the challenge that points back to our resource metadata.
 */
export function requireAudience(ctx: Pick<AppContext, 'config'>, auth: { key?: KeyAuth }): KeyAuth {
  const key = auth.key;
  if (!key || key.resource !== ctx.config.mcpResource) {
    const description = 'The access token was not issued for this resource.';
    throw invalidToken(description, {
      'www-authenticate': bearerChallenge(ctx, { code: 'invalid_token', description }),
    });
  }
  return key;
}

/** The scopes in `needed` that the key was not granted. */
export function missingScopes(key: KeyAuth, needed: Iterable<Scope>): Scope[] {
  const granted = new Set(key.scopes);
  return [...new Set(needed)].filter((scope) => !granted.has(scope));
}

/**
 * RFC 6750 §3.1: a valid key without a scope the call needs → 403 `insufficient_scope`, with a challenge
 * naming the scopes to ask for (MCP authorization spec, "Runtime Insufficient Scope Errors").
 *
 * The challenge's `scope` is the key's granted scopes plus the missing ones. MCP 2025-11-25 recommends
 * exactly that; 2026-07-28 only requires the scopes of the current operation and leaves accumulation to the
 * client, but allows more. Clients that replace their scope with the challenged one (the TypeScript SDK as
 * of 1.32) would otherwise trade `reminders:read` for `reminders:write` on step-up and loop.
 */
export function requireScopes(ctx: Pick<AppContext, 'config'>, key: KeyAuth, needed: Iterable<Scope>): void {
  const missing = missingScopes(key, needed);
  if (missing.length === 0) return;
  const wanted = new Set<string>([...key.scopes, ...missing]);
  const scope = SUPPORTED_SCOPES.filter((s) => wanted.has(s)).join(' ');
  const description = `This call needs the ${missing.join(' and ')} scope; reconnect and grant it.`;
  throw insufficientScope(description, {
    'www-authenticate': bearerChallenge(ctx, { code: 'insufficient_scope', description, scope }),
  });
}

/** Audience, then scopes: the key a REST handler may act with. */
export function requireKey(ctx: Pick<AppContext, 'config'>, auth: { key?: KeyAuth }, ...needed: Scope[]): KeyAuth {
  const key = requireAudience(ctx, auth);
  requireScopes(ctx, key, needed);
  return key;
}

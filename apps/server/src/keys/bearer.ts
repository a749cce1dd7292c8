// RFC 6750 bearer tokens as this server reads and refuses them: who a key authenticates (`KeyAuth`), the
// Authorization header's token, and the WWW-Authenticate challenge. http/ adapts these to Fastify.
import type { Config } from '../config.ts';

/** `bearerApiKey`: an API key (an OAuth access token or a manual key). */
export interface KeyAuth {
  keyId: string;
  userId: string;
  clientId: string | null;
  label: string;
  scopes: string[];
  resource: string;
}

/** RFC 6750 §2.1: `Authorization: Bearer <token>` (scheme case-insensitive). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * RFC 6750 §3 + RFC 9728 §5.1: the challenge that sends a client to the protected-resource metadata; with
 * `error="invalid_token"` when a token was presented but is not valid.
 */
export function bearerChallenge(ctx: { config: Pick<Config, 'publicUrl'> }, error?: { code?: string; description?: string; scope?: string }): string {
  const parts = [`resource_metadata="${ctx.config.publicUrl}/.well-known/oauth-protected-resource/mcp"`];
  if (error?.code) parts.push(`error="${error.code}"`);
  if (error?.description) parts.push(`error_description="${error.description.replace(/["\\]/g, '')}"`);
  if (error?.scope) parts.push(`scope="${error.scope}"`);
  return `Bearer ${parts.join(', ')}`;
}

// grant_type=authorization_code (RFC 6749 §4.1.3) with PKCE (RFC 7636 §4.6) and resource (RFC 8707 §2.2).
// The access token is a freshly minted API key bound to the user, client, scopes and resource.
import type { TokenRequest, TokenResponse } from '@reminderit/sdk';
import { recordAudit } from '../../audit.ts';
import type { AppContext } from '../../context.ts';
import { safeEqual, sha256Base64Url } from '../../crypto.ts';
import { invalidGrant, invalidRequest, invalidTarget } from '../../errors.ts';
import { findKeyIdByCodeHash, mintKey, revokeKey } from '../../keys/key-store.ts';
import type { OAuthClientRow } from '../../store/db/schema.ts';
import { type CodeGrant, recordExchange, type TakenCode, takeCode } from '../authorization-codes.ts';
import type { Grant } from './grant.ts';

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

function requireParams(request: TokenRequest): { code: string; verifier: string } {
  if (!request.code) throw invalidRequest('code is required.');
  if (!request.code_verifier) throw invalidRequest('code_verifier is required (PKCE).');
  if (!VERIFIER.test(request.code_verifier)) throw invalidRequest('code_verifier is malformed (RFC 7636 §4.1).');
  return { code: request.code, verifier: request.code_verifier };
}

/**
 * A replayed code is an attack signal: revoke what the first exchange produced (RFC 6749 §4.1.2), and record
 * one code_replayed event for this request.
 */
async function rejectReplay(ctx: AppContext, client: OAuthClientRow, keyId: string | undefined): Promise<never> {
  if (keyId) await revokeKey(ctx, { keyId }, 'authorization code replayed');
  await recordAudit(ctx, 'code_replayed', { clientId: client.id, keyId: keyId ?? null });
  throw invalidGrant('The authorization code was already used.');
}

/**
 * A code that is no longer in the KV. If a key was minted for it (the KV said which, or the durable link on
 * the key row does: an exchange that crashed or failed before recording it), this is a replay.
 */
async function rejectUsedCode(ctx: AppContext, client: OAuthClientRow, taken: Exclude<TakenCode, { kind: 'valid' }>): Promise<never> {
  const keyId = (taken.kind === 'replayed' ? taken.keyId : undefined) ?? (await findKeyIdByCodeHash(ctx, taken.hash));
  if (taken.kind === 'unknown' && keyId === undefined) throw invalidGrant('The authorization code is invalid or expired.');
  return rejectReplay(ctx, client, keyId);
}

function checkBinding(grant: CodeGrant, client: OAuthClientRow, request: TokenRequest, verifier: string): void {
  if (grant.clientId !== client.id) throw invalidGrant('The code was issued to another client.');
  // §4.1.3: redirect_uri is required when it was in the authorization request, and must be identical.
  if (request.redirect_uri === undefined ? grant.redirectUriSent : request.redirect_uri !== grant.redirectUri) {
    throw invalidGrant('redirect_uri does not match the authorization request.');
  }
  // RFC 7636 §4.6, compared in constant time.
  if (!safeEqual(sha256Base64Url(verifier), grant.codeChallenge)) throw invalidGrant('PKCE verification failed.');
  if (request.resource !== undefined && request.resource !== grant.resource) {
    throw invalidTarget('resource does not match the authorization request.');
  }
}

export const authorizationCodeGrant: Grant = async (ctx, client, request): Promise<TokenResponse> => {
  const { code, verifier } = requireParams(request);
  const taken = await takeCode(ctx, code);
  if (taken.kind !== 'valid') return rejectUsedCode(ctx, client, taken);
  const { grant } = taken;
  checkBinding(grant, client, request, verifier);

  const { key, secret } = await mintKey(ctx, {
    userId: grant.userId,
    clientId: client.id,
    label: client.label,
    scopes: grant.scopes,
    resource: grant.resource,
    codeHash: taken.hash,
  });
  if (await recordExchange(ctx, taken, key.id)) {
    // The code was replayed while this exchange was minting: the key never leaves the server. The replaying
    // request recorded code_replayed already; revoking writes key_revoked (once, whoever gets there first).
    await revokeKey(ctx, { keyId: key.id }, 'authorization code replayed');
    throw invalidGrant('The authorization code was already used.');
  }
  return { access_token: secret, token_type: 'Bearer', scope: grant.scopes.join(' ') };
};

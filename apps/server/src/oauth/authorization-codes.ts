// Authorization codes (design rules): ≥ 128 random bits (we use 256), stored in the KV under their SHA-256
// only, single use via atomic take, TTL ≤ 60 s. A replayed code revokes the key it produced (RFC 6749
// §4.1.2, RFC 9700 §4.5): after a successful exchange a marker maps the code's hash to the minted key.
import type { AppContext } from '../context.ts';
import { randomToken, sha256Hex } from '../crypto.ts';

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  redirectUriSent: boolean;
  codeChallenge: string;
  userId: string;
  scopes: string[];
  resource: string;
}

/** How long an exchanged code's hash is remembered for replay detection. */
const REPLAY_MEMORY_MS = 24 * 3600 * 1000;
const PENDING = 'pending';

const codeKey = (hash: string) => `code:${hash}`;
const usedKey = (hash: string) => `code-used:${hash}`;
const replayedKey = (hash: string) => `code-replayed:${hash}`;

export async function issueCode(ctx: Pick<AppContext, 'kv' | 'config'>, grant: CodeGrant): Promise<string> {
  const code = randomToken(32);
  await ctx.kv.set(codeKey(sha256Hex(code)), JSON.stringify(grant), ctx.config.codeTtlSeconds * 1000);
  return code;
}

export type TakenCode =
  | { kind: 'valid'; grant: CodeGrant; hash: string }
  /** Already exchanged: `keyId` is the key it produced (undefined while that exchange is still minting). */
  | { kind: 'replayed'; keyId: string | undefined; hash: string }
  | { kind: 'unknown' };

/** Atomically takes a code (GETDEL); of two concurrent exchanges exactly one gets `valid`. */
export async function takeCode(ctx: Pick<AppContext, 'kv'>, code: string): Promise<TakenCode> {
  const hash = sha256Hex(code);
  const raw = await ctx.kv.take(codeKey(hash));
  if (raw) {
    await ctx.kv.set(usedKey(hash), PENDING, REPLAY_MEMORY_MS);
    return { kind: 'valid', grant: JSON.parse(raw) as CodeGrant, hash };
  }
  const used = await ctx.kv.get(usedKey(hash));
  if (used === null) return { kind: 'unknown' };
  if (used === PENDING) await ctx.kv.set(replayedKey(hash), '1', REPLAY_MEMORY_MS);
  return { kind: 'replayed', keyId: used === PENDING ? undefined : used, hash };
}

/**
 * Records which key the code produced; returns true when a replay arrived while the key was being minted
 * (then the caller revokes the key it just minted).
 */
export async function recordExchange(ctx: Pick<AppContext, 'kv'>, hash: string, keyId: string): Promise<boolean> {
  await ctx.kv.set(usedKey(hash), keyId, REPLAY_MEMORY_MS);
  return (await ctx.kv.get(replayedKey(hash))) !== null;
}

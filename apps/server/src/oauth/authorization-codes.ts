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
/** A replay mark left by a request whose code was already gone; outlives any exchange still minting. */
const REPLAY_MARK_MS = 5 * 60 * 1000;
const REPLAYED = 'replayed';

const codeKey = (hash: string) => `code:${hash}`;
/** Holds the id of the key the code produced, or REPLAYED once a replay arrived. */
const usedKey = (hash: string) => `code-used:${hash}`;

export async function issueCode(ctx: Pick<AppContext, 'kv' | 'config'>, grant: CodeGrant): Promise<string> {
  const code = randomToken(32);
  await ctx.kv.set(codeKey(sha256Hex(code)), JSON.stringify(grant), ctx.config.codeTtlSeconds * 1000);
  return code;
}

export type TakenCode =
  | { kind: 'valid'; grant: CodeGrant; hash: string }
  /** Already exchanged: `keyId` is the key it produced, when this request is the first to learn it. */
  | { kind: 'replayed'; keyId: string | undefined; hash: string }
  /** Never issued, expired, or taken by an exchange that has not recorded its key yet (it will see the mark). */
  | { kind: 'unknown'; hash: string };

/**
 * Takes a code. Each step is one atomic KV command, so of concurrent exchanges on any instances exactly
 * one gets `valid` (GETDEL), and every other one leaves a replay mark (SET ... GET) that either returns
 * the key the winner recorded or is found by the winner when it records (recordExchange).
 */
export async function takeCode(ctx: Pick<AppContext, 'kv'>, code: string): Promise<TakenCode> {
  const hash = sha256Hex(code);
  const raw = await ctx.kv.take(codeKey(hash));
  if (raw) return { kind: 'valid', grant: JSON.parse(raw) as CodeGrant, hash };
  const previous = await ctx.kv.swap(usedKey(hash), REPLAYED, REPLAY_MARK_MS);
  if (previous === null) return { kind: 'unknown', hash };
  return { kind: 'replayed', keyId: previous === REPLAYED ? undefined : previous, hash };
}

/**
 * Records which key the code produced (SET ... GET); returns true when a replay arrived while the key was
 * being minted (then the caller revokes the key it just minted, which never leaves the server).
 */
export async function recordExchange(ctx: Pick<AppContext, 'kv'>, hash: string, keyId: string): Promise<boolean> {
  return (await ctx.kv.swap(usedKey(hash), keyId, REPLAY_MEMORY_MS)) === REPLAYED;
}

// Authorization codes (design rules): ≥ 128 random bits (we use 256), stored in the KV under their SHA-256
// only, single use via an atomic take, TTL ≤ 60 s until taken. A replayed code revokes the key it produced (RFC 6749
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

/**
 * How long a taken code's entry is kept for replay detection. Past it, the durable link on the key row
 * (api_keys.code_hash) still finds the key a replay must revoke.
 */
const REPLAY_MEMORY_MS = 24 * 3600 * 1000;

/**
 * One KV entry per code, under its hash, through the code's whole life: the grant (JSON) until the code is
 * taken; then the taker's claim (`taken:<random>`, every taker writes its own); then `key:<id>` once the
 * winner recorded the key it minted. Codes that were never issued (or expired untaken) have no entry, and
 * taking one writes none.
 */
const codeKey = (hash: string) => `code:${hash}`;
const CLAIM_PREFIX = 'taken:';
const KEY_PREFIX = 'key:';

/** A KV entry to store: key, value, TTL. */
export interface KvEntry {
  key: string;
  value: string;
  ttlMs: number;
}

/**
 * A fresh code for `grant` and the entry that makes it valid (CODE_TTL_SECONDS): the caller stores it, alone
 * or in the same atomic call that takes the pending request it answers (consent/decide-consent.ts).
 */
export function newCode(ctx: Pick<AppContext, 'config'>, grant: CodeGrant): { code: string; entry: KvEntry } {
  const code = randomToken(32);
  return { code, entry: { key: codeKey(sha256Hex(code)), value: JSON.stringify(grant), ttlMs: ctx.config.codeTtlSeconds * 1000 } };
}

export type TakenCode =
  /** This request took the code first; `claim` is what it left in the entry (see recordExchange). */
  | { kind: 'valid'; grant: CodeGrant; hash: string; claim: string }
  /** Already taken: `keyId` is the key it produced, when the winner had recorded it. */
  | { kind: 'replayed'; keyId: string | undefined; hash: string }
  /** Never issued, or expired before anyone took it. */
  | { kind: 'unknown'; hash: string };

/**
 * Takes a code: one atomic KV command (SET ... XX GET) that writes this request's claim over the entry
 * only if there is one, so of concurrent exchanges on any instances exactly one sees the grant, every other
 * one sees what the one before it wrote (a claim or the recorded key) and leaves its own claim — which the
 * winner finds when it records (recordExchange). A made-up code leaves nothing behind.
 */
export async function takeCode(ctx: Pick<AppContext, 'kv'>, code: string): Promise<TakenCode> {
  const hash = sha256Hex(code);
  const claim = CLAIM_PREFIX + randomToken(16);
  const previous = await ctx.kv.swapIfPresent(codeKey(hash), claim, REPLAY_MEMORY_MS);
  if (previous === null) return { kind: 'unknown', hash };
  if (previous.startsWith('{')) {
    return { kind: 'valid', grant: JSON.parse(previous) as CodeGrant, hash, claim };
  }
  return { kind: 'replayed', keyId: previous.startsWith(KEY_PREFIX) ? previous.slice(KEY_PREFIX.length) : undefined, hash };
}

/**
 * Records which key the code produced (SET ... GET); returns true when a replay arrived while the key was
 * being minted — the entry no longer holds this exchange's own claim — and then the caller revokes the key
 * it just minted, which never leaves the server.
 */
export async function recordExchange(ctx: Pick<AppContext, 'kv'>, taken: { hash: string; claim: string }, keyId: string): Promise<boolean> {
  return (await ctx.kv.swap(codeKey(taken.hash), KEY_PREFIX + keyId, REPLAY_MEMORY_MS)) !== taken.claim;
}

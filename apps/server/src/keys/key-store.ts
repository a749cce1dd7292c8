// API keys in the database: mint (the access token of the OAuth flow, or a manual key), verify on the
// bearer hot path, list, revoke. Only SHA-256 of the secret is stored.
import { auditedRows, recordAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { safeEqual, sha256Hex } from '../crypto.ts';
import { and, desc, eq, isNull, sql } from '../store/db/drizzle.ts';
import type { Database } from '../store/db/open-db.ts';
import { prepared } from '../store/db/prepared.ts';
import { type ApiKeyRow, apiKeys, oauthClients } from '../store/db/schema.ts';
import type { Kv } from '../store/kv/kv.ts';
import { displayPrefix, isWellFormedApiKey, mintApiKeySecret } from './api-key-secret.ts';

export interface MintKeyInput {
  userId: string;
  clientId: string | null;
  label: string;
  scopes: string[];
  resource: string;
  /** SHA-256 of the authorization code the key is minted for (OAuth keys): kept with the key for replays. */
  codeHash?: string;
}

/**
 * Inserts the key and its key_minted audit event in one statement — the event is a data-modifying CTE over
 * the inserted row (PostgreSQL: a statement is atomic, so there is no key without its audit row) — one
 * round trip instead of BEGIN / INSERT / INSERT / COMMIT, prepared once per database.
 */
export async function mintKey(ctx: Pick<AppContext, 'db' | 'clock'>, input: MintKeyInput): Promise<{ key: ApiKeyRow; secret: string }> {
  const secret = mintApiKeySecret();
  const [key] = await mintKeyWithAudit(ctx.db).execute({
    userId: input.userId,
    clientId: input.clientId,
    label: input.label,
    prefix: displayPrefix(secret),
    secretHash: sha256Hex(secret),
    scopes: input.scopes,
    resource: input.resource,
    codeHash: input.codeHash ?? null,
    createdAt: new Date(ctx.clock.now()),
  });
  if (!key) throw new Error('api key insert returned no row');
  return { key, secret };
}

const mintKeyWithAudit = prepared((db) => {
  const p = sql.placeholder;
  const minted = db.$with('minted').as(
    db
      .insert(apiKeys)
      .values({
        userId: p('userId'),
        clientId: p('clientId'),
        label: p('label'),
        prefix: p('prefix'),
        secretHash: p('secretHash'),
        scopes: p('scopes'),
        resource: p('resource'),
        codeHash: p('codeHash'),
        createdAt: p('createdAt'),
      })
      .returning(),
  );
  const audited = auditedRows(db, 'key_minted', minted, { userId: minted.userId, clientId: minted.clientId, keyId: minted.id });
  return db.with(minted, audited).select().from(minted).prepare('mint_key');
});

/** The id of the key minted for the authorization code with this hash, if any (revoked or not). */
export async function findKeyIdByCodeHash(ctx: Pick<AppContext, 'db'>, codeHash: string): Promise<string | undefined> {
  const [key] = await ctx.db.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.codeHash, codeHash)).limit(1);
  return key?.id;
}

/**
 * The active (unrevoked) key whose secret has this SHA-256, or undefined: one lookup on the unique index.
 * The hot path (bearer-keys.ts) checks the secret's shape first and caches the answer.
 */
export async function findActiveKeyByHash(db: Database, hash: string): Promise<ApiKeyRow | undefined> {
  const [key] = await activeKeyByHash(db).execute({ hash });
  return key && safeEqual(key.secretHash, hash) ? key : undefined;
}

const activeKeyByHash = prepared((db) =>
  db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, sql.placeholder('hash')), isNull(apiKeys.revokedAt)))
    .limit(1)
    .prepare('active_key_by_hash'),
);

/**
 * Revokes a key (optionally only if it belongs to `userId`). Returns whether a key was found; revoking an
 * already revoked key is a no-op that still returns true. The UPDATE is guarded by `revoked_at IS NULL`, so
 * of concurrent revocations exactly one changes the row, and only that one writes key_revoked (in the same
 * transaction). Once committed, every instance's key cache drops the key (bearer-keys.ts).
 */
export async function revokeKey(
  ctx: Pick<AppContext, 'db' | 'clock' | 'kv'> & Partial<Pick<AppContext, 'bearer'>>,
  where: { keyId: string; userId?: string },
  reason: string,
): Promise<boolean> {
  const conditions = [eq(apiKeys.id, where.keyId)];
  if (where.userId) conditions.push(eq(apiKeys.userId, where.userId));
  const outcome = await ctx.db.db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date(ctx.clock.now()) })
      .where(and(...conditions, isNull(apiKeys.revokedAt)))
      .returning();
    if (revoked) {
      const fields = { userId: revoked.userId, clientId: revoked.clientId, keyId: revoked.id, data: { reason } };
      await recordAudit(ctx, 'key_revoked', fields, tx);
      return { found: true, revokedId: revoked.id };
    }
    const [existing] = await tx
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(...conditions))
      .limit(1);
    return { found: existing !== undefined, revokedId: undefined };
  });
  if (outcome.revokedId) {
    // This instance's cache at once, then every instance's (scripts and tests without an app only publish).
    if (ctx.bearer) await ctx.bearer.revoked(outcome.revokedId);
    else await announceRevocation(ctx.kv, outcome.revokedId);
  }
  return outcome.found;
}

/** The KV channel carrying the ids of revoked keys to every instance's key cache (bearer-keys.ts). */
export const KEY_REVOKED_CHANNEL = 'keys:revoked';

/** Tells every instance that key `keyId` is revoked. */
export function announceRevocation(kv: Kv, keyId: string): Promise<void> {
  return kv.publish(KEY_REVOKED_CHANNEL, keyId);
}

/** The key (revoked or not) with this secret, for RFC 7009 revocation by token. */
export async function findKeyBySecret(ctx: Pick<AppContext, 'db'>, secret: string): Promise<ApiKeyRow | undefined> {
  if (!isWellFormedApiKey(secret)) return undefined;
  const [key] = await ctx.db.db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.secretHash, sha256Hex(secret)))
    .limit(1);
  return key;
}

/** A user's keys, newest first, with the name of the client each was issued to. */
export async function listKeys(ctx: Pick<AppContext, 'db'>, userId: string) {
  return ctx.db.db
    .select({ key: apiKeys, clientName: sql<string | null>`coalesce(${oauthClients.clientName}, ${oauthClients.label})` })
    .from(apiKeys)
    .leftJoin(oauthClients, eq(oauthClients.id, apiKeys.clientId))
    .where(eq(apiKeys.userId, userId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

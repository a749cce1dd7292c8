// API keys in the database: mint (the access token of the OAuth flow, or a manual key), verify on the
// bearer hot path, list, revoke. Only SHA-256 of the secret is stored.
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { recordAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { safeEqual, sha256Hex } from '../crypto.ts';
import { apiKeys, oauthClients, type ApiKeyRow } from '../store/db/schema.ts';
import { displayPrefix, isWellFormedApiKey, mintApiKeySecret } from './api-key-secret.ts';

/** last_used_at is refreshed at most this often per key, so the hot path rarely writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface MintKeyInput {
  userId: string;
  clientId: string | null;
  label: string;
  scopes: string[];
  resource: string;
  /** SHA-256 of the authorization code the key is minted for (OAuth keys): kept with the key for replays. */
  codeHash?: string;
}

/** Inserts the key and its key_minted audit event in one transaction: no key without its audit row. */
export async function mintKey(ctx: Pick<AppContext, 'db' | 'clock'>, input: MintKeyInput): Promise<{ key: ApiKeyRow; secret: string }> {
  const secret = mintApiKeySecret();
  const key = await ctx.db.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
      userId: input.userId,
      clientId: input.clientId,
      label: input.label,
      prefix: displayPrefix(secret),
      secretHash: sha256Hex(secret),
      scopes: input.scopes,
        resource: input.resource,
        codeHash: input.codeHash ?? null,
        createdAt: new Date(ctx.clock.now()),
      })
      .returning();
    if (!row) throw new Error('api key insert returned no row');
    await recordAudit(ctx, 'key_minted', { userId: row.userId, clientId: row.clientId, keyId: row.id }, tx);
    return row;
  });
  return { key, secret };
}

/** The id of the key minted for the authorization code with this hash, if any (revoked or not). */
export async function findKeyIdByCodeHash(ctx: Pick<AppContext, 'db'>, codeHash: string): Promise<string | undefined> {
  const [key] = await ctx.db.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.codeHash, codeHash)).limit(1);
  return key?.id;
}

/** The active (unrevoked) key with this secret, or undefined. Compares hashes in constant time. */
export async function findActiveKey(ctx: Pick<AppContext, 'db' | 'clock'>, secret: string): Promise<ApiKeyRow | undefined> {
  if (!isWellFormedApiKey(secret)) return undefined;
  const hash = sha256Hex(secret);
  const [key] = await ctx.db.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!key || !safeEqual(key.secretHash, hash)) return undefined;
  const now = ctx.clock.now();
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    const cutoff = new Date(now - LAST_USED_RESOLUTION_MS);
    await ctx.db.db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, cutoff))));
  }
  return key;
}

/**
 * Revokes a key (optionally only if it belongs to `userId`). Returns whether a key was found; revoking an
 * already revoked key is a no-op that still returns true. The UPDATE is guarded by `revoked_at IS NULL`, so
 * of concurrent revocations exactly one changes the row, and only that one writes key_revoked (in the same
 * transaction).
 */
export async function revokeKey(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  where: { keyId: string; userId?: string },
  reason: string,
): Promise<boolean> {
  const conditions = [eq(apiKeys.id, where.keyId)];
  if (where.userId) conditions.push(eq(apiKeys.userId, where.userId));
  return ctx.db.db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date(ctx.clock.now()) })
      .where(and(...conditions, isNull(apiKeys.revokedAt)))
      .returning();
    if (revoked) {
      const fields = { userId: revoked.userId, clientId: revoked.clientId, keyId: revoked.id, data: { reason } };
      await recordAudit(ctx, 'key_revoked', fields, tx);
      return true;
    }
    const [existing] = await tx.select({ id: apiKeys.id }).from(apiKeys).where(and(...conditions)).limit(1);
    return existing !== undefined;
  });
}

/** The key (revoked or not) with this secret, for RFC 7009 revocation by token. */
export async function findKeyBySecret(ctx: Pick<AppContext, 'db'>, secret: string): Promise<ApiKeyRow | undefined> {
  if (!isWellFormedApiKey(secret)) return undefined;
  const [key] = await ctx.db.db.select().from(apiKeys).where(eq(apiKeys.secretHash, sha256Hex(secret))).limit(1);
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

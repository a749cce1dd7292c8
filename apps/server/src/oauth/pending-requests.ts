// Pending authorization requests (KV, AUTH_REQUEST_TTL_SECONDS): what /authorize validated, waiting for the
// user's decision on the consent page. Any instance can serve the consent calls.
import type { AppContext } from '../context.ts';
import { randomToken } from '../crypto.ts';
import type { KvEntry } from './authorization-codes.ts';

export interface PendingRequest {
  clientId: string;
  /** The registered redirect URI this request resolved to (with the port the client asked for, on loopback). */
  redirectUri: string;
  /** Whether the client sent redirect_uri (RFC 6749 §4.1.3: then /token must repeat it). */
  redirectUriSent: boolean;
  codeChallenge: string;
  state: string | undefined;
  scopes: string[];
  resource: string;
  /** SHA-256 of the browser-binding cookie set at /authorize (consent-binding.ts); never the value. */
  browserHash: string;
  /** The user the request belongs to, once known (signed in at /authorize, or after log-in). */
  userId?: string;
  expiresAt: number;
}

const key = (id: string) => `authreq:${id}`;

export async function storePendingRequest(ctx: Pick<AppContext, 'kv' | 'clock' | 'config'>, request: Omit<PendingRequest, 'expiresAt'>): Promise<string> {
  const id = randomToken(24);
  const ttlMs = ctx.config.authRequestTtlSeconds * 1000;
  const stored: PendingRequest = { ...request, expiresAt: ctx.clock.now() + ttlMs };
  await ctx.kv.set(key(id), JSON.stringify(stored), ttlMs);
  return id;
}

export async function readPendingRequest(ctx: Pick<AppContext, 'kv'>, id: string): Promise<PendingRequest | undefined> {
  return (await readPendingRequestAsStored(ctx, id))?.request;
}

/** A pending request as read, with the exact stored text (what exchangePendingRequest expects to find). */
export interface StoredPendingRequest {
  id: string;
  request: PendingRequest;
  stored: string;
}

export async function readPendingRequestAsStored(ctx: Pick<AppContext, 'kv'>, id: string): Promise<StoredPendingRequest | undefined> {
  const stored = await ctx.kv.get(key(id));
  return stored ? { id, request: JSON.parse(stored) as PendingRequest, stored } : undefined;
}

/**
 * Takes the request, if it is still exactly as read, and stores `entry` (its code) in one atomic KV call:
 * of double-submitted decisions, on any instances, one wins. False when it was taken or changed meanwhile.
 */
export function exchangePendingRequest(ctx: Pick<AppContext, 'kv'>, read: StoredPendingRequest, entry: KvEntry): Promise<boolean> {
  return ctx.kv.exchange(key(read.id), read.stored, entry.key, entry.value, entry.ttlMs);
}

/** Stores the request again (e.g. now bound to a user) for what is left of its lifetime. */
export async function updatePendingRequest(ctx: Pick<AppContext, 'kv' | 'clock'>, id: string, request: PendingRequest): Promise<void> {
  const ttlMs = request.expiresAt - ctx.clock.now();
  if (ttlMs > 0) await ctx.kv.set(key(id), JSON.stringify(request), ttlMs);
}

/** Takes the request atomically: a double-submitted decision yields one code, not two. */
export async function takePendingRequest(ctx: Pick<AppContext, 'kv'>, id: string): Promise<PendingRequest | undefined> {
  const raw = await ctx.kv.take(key(id));
  return raw ? (JSON.parse(raw) as PendingRequest) : undefined;
}

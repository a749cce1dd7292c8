// Sign-in sessions for the consent app (OWASP Session Management Cheat Sheet): an opaque 256-bit random
// id in an HttpOnly, SameSite=Lax cookie (Secure when PUBLIC_URL is https); server-side state in the KV
// under the id's SHA-256 only, so a KV dump yields no usable session; an absolute lifetime of
// SESSION_TTL_SECONDS enforced by the KV's TTL. Each session carries its own CSRF token (OWASP CSRF
// Prevention Cheat Sheet, synchronizer token pattern), checked centrally by http/security.ts.
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { cookieOf } from '../cookies.ts';
import { randomToken, sha256Hex } from '../crypto.ts';
import type { SessionAuth } from './session-auth.ts';

/** The cookie named by the spec's `sessionCookie` security scheme. */
const SESSION_COOKIE = 'rmt_session';
/** randomToken(32) is 43 characters; anything far off that is not one of ours and is not looked up. */
const MAX_SESSION_ID_LENGTH = 128;

const kvKey = (sessionHash: string) => `session:${sessionHash}`;

interface StoredSession {
  userId: string;
  email: string;
  csrfToken: string;
}

/** Starts a session: a fresh id (OWASP: ≥ 64 bits of entropy; here 256) and a fresh CSRF token. */
export async function createSession(
  ctx: Pick<AppContext, 'kv' | 'config'>,
  user: { id: string; email: string },
): Promise<{ sessionId: string; csrfToken: string }> {
  const sessionId = randomToken(32);
  const csrfToken = randomToken(32);
  const stored: StoredSession = { userId: user.id, email: user.email, csrfToken };
  await ctx.kv.set(kvKey(sha256Hex(sessionId)), JSON.stringify(stored), ctx.config.sessionTtlSeconds * 1000);
  return { sessionId, csrfToken };
}

/** The session named by the request's `rmt_session` cookie; undefined when absent, unknown, expired or corrupt. */
export async function readSession(ctx: Pick<AppContext, 'kv'>, req: FastifyRequest): Promise<SessionAuth | undefined> {
  const sessionId = cookieOf(req, SESSION_COOKIE);
  if (!sessionId || sessionId.length > MAX_SESSION_ID_LENGTH) return undefined;
  const sessionHash = sha256Hex(sessionId);
  const raw = await ctx.kv.get(kvKey(sessionHash));
  if (raw === null) return undefined;
  let stored: Partial<StoredSession>;
  try {
    stored = JSON.parse(raw) as Partial<StoredSession>;
  } catch {
    return undefined;
  }
  const { userId, email, csrfToken } = stored ?? {};
  if (typeof userId !== 'string' || typeof email !== 'string' || typeof csrfToken !== 'string') return undefined;
  return { userId, email, csrfToken, sessionHash };
}

/** Ends a session server-side (OWASP: log-out must invalidate the session, not just clear the cookie). */
export async function destroySession(ctx: Pick<AppContext, 'kv'>, sessionHash: string): Promise<void> {
  await ctx.kv.del(kvKey(sessionHash));
}

function attributes(ctx: Pick<AppContext, 'config'>, maxAge: number) {
  // RFC 6265 §4.1.2: HttpOnly keeps the id away from scripts; SameSite=Lax (RFC 6265bis) withholds it from
  // cross-site subrequests and POSTs; Secure outside plain-http development.
  return { path: '/', httpOnly: true, sameSite: 'lax', maxAge, secure: ctx.config.secureCookies } as const;
}

/** The spec's `SessionCookie` header: `rmt_session=<id>; Max-Age=<ttl>; Path=/; HttpOnly; SameSite=Lax[; Secure]`. */
export function sessionCookie(ctx: Pick<AppContext, 'config'>, sessionId: string): string {
  return fastifyCookie.serialize(SESSION_COOKIE, sessionId, attributes(ctx, ctx.config.sessionTtlSeconds));
}

/** The spec's `ClearedSessionCookie` header: same attributes, empty value, Max-Age=0 (RFC 6265 §5.2.2). */
export function clearedSessionCookie(ctx: Pick<AppContext, 'config'>): string {
  return fastifyCookie.serialize(SESSION_COOKIE, '', attributes(ctx, 0));
}

// What sign-up and log-in answer with: a new session (cookie + CSRF token) for the user.
import type { Session, User } from '@reminderit/sdk';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { UserRow } from '../store/db/schema.ts';
import { rememberDevice } from './known-devices.ts';
import { createSession, destroySession, readSession, sessionCookie } from './sessions.ts';

/** Responses carrying a CSRF token are never cached (OWASP Session Management Cheat Sheet, "Web Content Caching"). */

export function userBody(user: UserRow): User {
  return { id: user.id, email: user.email, created_at: user.createdAt.toISOString() };
}

/**
 * OWASP Session Management Cheat Sheet, "Renew the Session ID After Any Privilege Level Change": signing in
 * always issues a new id, and a session the browser already held is ended, so a planted (fixated) id is
 * never upgraded to an authenticated one.
 */
export async function startSession(
  ctx: Pick<AppContext, 'kv' | 'config'>,
  req: FastifyRequest,
  user: UserRow,
): Promise<{ body: Session; headers: Record<string, string | string[]> }> {
  const previous = await readSession(ctx, req);
  if (previous) await destroySession(ctx, previous.sessionHash);
  const { sessionId, csrfToken } = await createSession(ctx, user);
  // This browser now knows the password: it becomes a known device for the account (known-devices.ts).
  const device = await rememberDevice(ctx, req, user.email);
  return {
    body: { user: userBody(user), csrf_token: csrfToken },
    headers: { 'set-cookie': [sessionCookie(ctx, sessionId), device] },
  };
}

// POST /api/auth/logout — end the session (CSRF token checked centrally, http/security.ts).
import type { LogOutData, LogOutResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { requireSession } from './session-auth.ts';
import { clearedSessionCookie, destroySession } from './sessions.ts';

export function logOutHandler(ctx: AppContext) {
  return operation<LogOutData, LogOutResponses>(async ({ auth }) => {
    const session = requireSession(auth);
    // OWASP Session Management Cheat Sheet, "Manual Session Expiration": invalidate server-side, then clear
    // the cookie, so a copied cookie stops working too.
    await destroySession(ctx, session.sessionHash);
    return { status: 204, body: undefined, headers: { 'set-cookie': clearedSessionCookie(ctx) } };
  });
}

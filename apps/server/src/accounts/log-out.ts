// POST /api/auth/logout — end the session (CSRF token checked centrally, http/security.ts).
import type { LogOutData, LogOutResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { operation } from '../http/operation.ts';
import { clearedSessionCookie, destroySession } from './sessions.ts';

export function logOutHandler(ctx: AppContext) {
  return operation<LogOutData, LogOutResponses>(async ({ auth }) => {
    if (!auth.session) throw unauthorized('Sign in first.');
    // OWASP Session Management Cheat Sheet, "Manual Session Expiration": invalidate server-side, then clear
    // the cookie, so a copied cookie stops working too.
    await destroySession(ctx, auth.session.sessionHash);
    return { status: 204, body: undefined, headers: { 'set-cookie': clearedSessionCookie(ctx) } };
  });
}

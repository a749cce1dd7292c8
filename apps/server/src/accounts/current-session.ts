// GET /api/auth/session — who is signed in, and the session's CSRF token for pages loaded later.
import type { GetCurrentSessionData, GetCurrentSessionResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { operation } from '../http/operation.ts';
import { userBody } from './session-response.ts';
import { findUserById } from './users.ts';

export function currentSessionHandler(ctx: AppContext) {
  return operation<GetCurrentSessionData, GetCurrentSessionResponses>(async ({ auth }) => {
    const session = auth.session;
    // A session outliving its user (account deleted) is no session.
    const user = session ? await findUserById(ctx, session.userId) : undefined;
    if (!session || !user) throw unauthorized('Sign in first.');
    return { status: 200, body: { user: userBody(user), csrf_token: session.csrfToken } };
  });
}

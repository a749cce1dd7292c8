// DELETE /api/keys/{keyId} — revoke one of the user's keys (an OAuth client's key too: that disconnects it).
import type { RevokeApiKeyData, RevokeApiKeyResponses } from '@reminderit/sdk';
import { requireSession } from '../accounts/session-auth.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { operation } from '../http/operation.ts';
import { revokeKey } from './key-store.ts';

export function revokeKeyHandler(ctx: AppContext) {
  return operation<RevokeApiKeyData, RevokeApiKeyResponses>(async ({ path, auth }) => {
    const session = requireSession(auth);
    // Scoped to the owner: another user's key is indistinguishable from an unknown one (no id probing).
    const found = await revokeKey(ctx, { keyId: path.keyId, userId: session.userId }, 'revoked_by_user');
    if (!found) throw notFound('No such API key.');
    return { status: 204, body: undefined };
  });
}

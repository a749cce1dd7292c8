// GET /api/keys — the signed-in user's keys, newest first, revoked ones included.
import type { ListApiKeysData, ListApiKeysResponses } from '@reminderit/sdk';
import { requireSession } from '../accounts/session-auth.ts';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { apiKeyBody } from './api-key-body.ts';
import { listKeys } from './key-store.ts';

export function listKeysHandler(ctx: AppContext) {
  return operation<ListApiKeysData, ListApiKeysResponses>(async ({ auth, raw }) => {
    const session = requireSession(auth);
    // This instance's batched last_used_at stamps first (key-usage.ts); a failed write is retried later.
    await ctx.bearer.flushUsage().catch((err: unknown) => raw.log.warn({ err }, 'last_used_at flush failed'));
    const rows = await listKeys(ctx, session.userId);
    return {
      status: 200,
      body: { keys: rows.map(({ key, clientName }) => apiKeyBody(key, clientName)) },
    };
  });
}

// POST /revoke (RFC 7009 §2.1): a client revokes a key it was issued. Unknown tokens, and tokens of other
// clients, get the same 200 (§2.2) so the endpoint reveals nothing.
import type { RevokeTokenData, RevokeTokenResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { findKeyBySecret, revokeKey } from '../keys/key-store.ts';
import { authenticateClient } from './client-auth.ts';

export function revokeHandlers(ctx: AppContext) {
  return {
    revokeToken: operation<RevokeTokenData, RevokeTokenResponses>(async ({ body, raw }) => {
      const client = await authenticateClient(ctx, raw, body);
      const key = await findKeyBySecret(ctx, body.token);
      if (key && key.clientId === client.id) await revokeKey(ctx, { keyId: key.id }, 'revoked by client (RFC 7009)');
      return { status: 200, body: undefined };
    }),
  };
}

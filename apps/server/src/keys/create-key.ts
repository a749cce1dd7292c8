// POST /api/keys — mint a personal (manual) API key; the secret is in this response only.
import type { CreateApiKeyData, CreateApiKeyResponses } from '@reminderit/sdk';
import { requireSession } from '../accounts/session-auth.ts';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { apiKeyBody } from './api-key-body.ts';
import { mintKey } from './key-store.ts';

export function createKeyHandler(ctx: AppContext) {
  return operation<CreateApiKeyData, CreateApiKeyResponses>(async ({ body, auth }) => {
    const session = requireSession(auth);
    // No OAuth client: a manual key, bound like every key to the MCP resource (RFC 8707 audience).
    const { key, secret } = await mintKey(ctx, {
      userId: session.userId,
      clientId: null,
      label: body.label,
      scopes: body.scopes,
      resource: ctx.config.mcpResource,
    });
    // Shown once and never cached (RFC 6749 §5.1 asks the same of access tokens, which keys also are).
    return { status: 201, body: { ...apiKeyBody(key, null), secret } };
  });
}

// POST /api/keys — mint a personal (manual) API key; the secret is in this response only.
import type { CreateApiKeyData, CreateApiKeyResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { operation } from '../http/operation.ts';
import { apiKeyBody } from './api-key-body.ts';
import { mintKey } from './key-store.ts';

export function createKeyHandler(ctx: AppContext) {
  return operation<CreateApiKeyData, CreateApiKeyResponses>(async ({ body, auth }) => {
    if (!auth.session) throw unauthorized('Sign in first.');
    // No OAuth client: a manual key, bound like every key to the MCP resource (RFC 8707 audience).
    const { key, secret } = await mintKey(ctx, {
      userId: auth.session.userId,
      clientId: null,
      label: body.label,
      scopes: body.scopes,
      resource: ctx.config.mcpResource,
    });
    // Shown once and never cached (RFC 6749 §5.1 asks the same of access tokens, which keys also are).
    return { status: 201, body: { ...apiKeyBody(key, null), secret } };
  });
}

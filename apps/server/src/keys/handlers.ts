// API key management for the signed-in user (spec tag `api-keys`).
import type { AppContext } from '../context.ts';
import { createKeyHandler } from './create-key.ts';
import { listKeysHandler } from './list-keys.ts';
import { revokeKeyHandler } from './revoke-key.ts';

export function apiKeyHandlers(ctx: AppContext) {
  return {
    listApiKeys: listKeysHandler(ctx),
    createApiKey: createKeyHandler(ctx),
    revokeApiKey: revokeKeyHandler(ctx),
  };
}

// The wire shape of a stored key (spec schema `ApiKey`): display prefix, never the secret or its hash.
import type { ApiKey } from '@reminderit/sdk';
import type { ApiKeyRow } from '../store/db/schema.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function apiKeyBody(key: ApiKeyRow, clientName: string | null): ApiKey {
  return {
    id: key.id,
    label: key.label,
    prefix: key.prefix,
    scopes: key.scopes,
    created_at: key.createdAt.toISOString(),
    last_used_at: iso(key.lastUsedAt),
    revoked_at: iso(key.revokedAt),
    client_id: key.clientId,
    client_name: clientName,
  };
}

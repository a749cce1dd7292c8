// listApiKeys, createApiKey, revokeApiKey.
import type {
  CreateApiKeyData,
  CreateApiKeyErrors,
  CreateApiKeyResponses,
  ListApiKeysData,
  ListApiKeysErrors,
  ListApiKeysResponses,
  RevokeApiKeyData,
  RevokeApiKeyErrors,
  RevokeApiKeyResponses,
  Scope,
} from '@reminderit/sdk';
import { csrfError, sessionError } from '../auth.ts';
import { allScopes } from '../fixtures.ts';
import { isRecord, oauthError, type Router, readJson } from '../respond.ts';
import { listed, type MockState, newKeySecret, randomId } from '../state.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isScopeList(value: unknown): value is Scope[] {
  return Array.isArray(value) && value.length > 0 && new Set(value).size === value.length && value.every((s) => allScopes.includes(s as Scope));
}

export function keyHandlers(on: Router, state: MockState) {
  return [
    on<ListApiKeysData, ListApiKeysResponses & ListApiKeysErrors>('get', '/api/keys', () => {
      const denied = sessionError(state);
      if (denied) return denied;
      return { status: 200, body: { keys: state.keys.map(listed) } };
    }),

    on<CreateApiKeyData, CreateApiKeyResponses & CreateApiKeyErrors>('post', '/api/keys', async ({ request }) => {
      const body = await readJson(request);
      const labelOk = isRecord(body) && typeof body.label === 'string' && body.label.length >= 1 && body.label.length <= 100;
      if (!labelOk || !isScopeList(body.scopes)) {
        return oauthError(400, 'invalid_request', 'Invalid request: a label (1-100 characters) and at least one scope are required.');
      }
      const denied = csrfError(state, request);
      if (denied) return denied;
      const { secret, prefix } = newKeySecret();
      const key = {
        id: randomId(),
        label: body.label as string,
        prefix,
        scopes: body.scopes,
        created_at: new Date().toISOString(),
        last_used_at: null,
        revoked_at: null,
        client_id: null,
        client_name: null,
        secret,
      };
      state.keys.unshift(key); // newest first, as the server lists them
      return { status: 201, body: { ...listed(key), secret } };
    }),

    on<RevokeApiKeyData, RevokeApiKeyResponses & RevokeApiKeyErrors>('delete', '/api/keys/{keyId}', ({ request, params }) => {
      if (!UUID.test(params.keyId ?? '')) return oauthError(400, 'invalid_request', 'Invalid request: path.keyId must match format "uuid".');
      const denied = csrfError(state, request);
      if (denied) return denied;
      const key = state.keys.find((k) => k.id === params.keyId);
      if (!key) return oauthError(404, 'not_found', 'No such API key.');
      key.revoked_at ??= new Date().toISOString(); // revoking a revoked key is a no-op
      return { status: 204 };
    }),
  ];
}

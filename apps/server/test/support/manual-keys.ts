// Keys as the API Keys page creates them (POST /api/keys, session + CSRF), for tests that need a bearer key
// with chosen scopes.
import type { Scope } from '@reminderit/sdk';
import type { SignedIn } from './flow.ts';
import type { TestApp } from './test-app.ts';

export interface ManualKey {
  id: string;
  secret: string;
}

export async function createManualKey(t: TestApp, user: SignedIn, scopes: Scope[], label = 'Test key'): Promise<ManualKey> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/keys',
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrf },
    payload: { label, scopes },
  });
  if (res.statusCode !== 201) throw new Error(`key creation failed: ${res.statusCode} ${res.body}`);
  const { id, secret } = res.json() as ManualKey;
  return { id, secret };
}

export async function revokeManualKey(t: TestApp, user: SignedIn, keyId: string): Promise<void> {
  const res = await t.app.inject({
    method: 'DELETE',
    url: `/api/keys/${keyId}`,
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrf },
  });
  if (res.statusCode !== 204) throw new Error(`key revocation failed: ${res.statusCode} ${res.body}`);
}

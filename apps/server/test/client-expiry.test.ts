// Registration hygiene (oauth/client-expiry.ts): a dynamically registered client unused for 90 days is
// expired (unknown at /authorize and /token at once) and swept; use renews it; the sweep is safe to run from
// several instances at once; the keys it was issued keep working.
import { createPkcePair } from '@reminderit/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_IDLE_EXPIRY_MS, sweepExpiredClients, sweepExpiredClientsSoon } from '../src/oauth/client-expiry.ts';
import { apiKeys, oauthClients } from '../src/store/db/schema.ts';
import { authorize, authorizeQuery, callMcp, exchangeCode, obtainCode, register, signUpUser } from './support/flow.ts';
import { buildTestApp, type TestApp } from './support/test-app.ts';

const DAY = 86_400_000;
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const lastUsed = async (id: string) => (await t.db.db.select().from(oauthClients).where(eq(oauthClients.id, id)))[0]?.lastUsedAt.getTime();

describe('client expiry', () => {
  it('an unused client expires after 90 days: /authorize shows the unknown-client page, the sweep deletes it', async () => {
    const client = await register(t);
    const user = await signUpUser(t);
    t.clock.advance(CLIENT_IDLE_EXPIRY_MS + 1000);
    const pkce = await createPkcePair();
    const res = await authorize(t, authorizeQuery(client.clientId, pkce.codeChallenge), user);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<code>invalid_client</code>');
    expect(await sweepExpiredClients(t)).toBeGreaterThanOrEqual(1);
    expect(await lastUsed(client.clientId)).toBeUndefined();
  });

  it('use renews it (at most one write a day), so a client in use never expires', async () => {
    const client = await register(t);
    const registeredAt = await lastUsed(client.clientId);
    const user = await signUpUser(t);
    for (let day = 0; day < 4; day++) {
      t.clock.advance(40 * DAY);
      const pkce = await createPkcePair();
      expect((await authorize(t, authorizeQuery(client.clientId, pkce.codeChallenge), user)).statusCode).toBe(302);
    }
    expect(await lastUsed(client.clientId)).toBe(t.clock.now());
    expect(t.clock.now() - registeredAt!).toBe(160 * DAY); // older than 90 days, still alive
    const before = await lastUsed(client.clientId);
    t.clock.advance(3_600_000);
    const pkce = await createPkcePair();
    await authorize(t, authorizeQuery(client.clientId, pkce.codeChallenge), user);
    expect(await lastUsed(client.clientId)).toBe(before); // less than a day later: not rewritten
    await sweepExpiredClients(t);
    expect(await lastUsed(client.clientId)).toBe(before);
  });

  it('keys of a swept client keep working until revoked (client_id set null, label kept)', async () => {
    const issued = await obtainCode(t);
    const res = await exchangeCode(t, issued);
    expect(res.statusCode).toBe(200);
    const key = res.json().access_token as string;
    t.clock.advance(CLIENT_IDLE_EXPIRY_MS + DAY);
    await sweepExpiredClients(t);
    expect(await lastUsed(issued.client.clientId)).toBeUndefined();
    expect((await callMcp(t, key)).statusCode).toBe(200);
    const [row] = await t.db.db.select().from(apiKeys).where(eq(apiKeys.userId, issued.user.userId));
    expect(row).toMatchObject({ clientId: null, label: 'Claude (web connector)', revokedAt: null });
  });

  it('sweeps from several instances at once delete each expired client once and nothing alive', async () => {
    await t.kv.set('clients:sweep', 'held by a test', 10 * CLIENT_IDLE_EXPIRY_MS); // no background sweep meanwhile
    const old = await Promise.all([register(t), register(t), register(t)]);
    t.clock.advance(CLIENT_IDLE_EXPIRY_MS + DAY);
    const fresh = await register(t);
    const counts = await Promise.all([sweepExpiredClients(t), sweepExpiredClients(t), sweepExpiredClients(t)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(old.length);
    for (const c of old) expect(await lastUsed(c.clientId)).toBeUndefined();
    expect(await lastUsed(fresh.clientId)).toBe(t.clock.now());
    await t.kv.del('clients:sweep');
  });

  it('registration starts a background sweep; at most one runs per hour across instances (a KV lease)', async () => {
    const old = await register(t);
    t.clock.advance(CLIENT_IDLE_EXPIRY_MS + DAY);
    await t.kv.del('clients:sweep');
    await register(t); // takes the lease and sweeps in the background
    await expect.poll(() => lastUsed(old.clientId)).toBeUndefined();
    expect(await t.kv.get('clients:sweep')).not.toBeNull();

    const another = await register(t);
    await t.kv.set('clients:sweep', 'held by another instance', 10 * CLIENT_IDLE_EXPIRY_MS);
    t.clock.advance(CLIENT_IDLE_EXPIRY_MS + DAY);
    const errors: unknown[] = [];
    await sweepExpiredClientsSoon(t, (err) => errors.push(err));
    expect(await t.db.db.select().from(oauthClients).where(eq(oauthClients.id, another.clientId))).toHaveLength(1); // lease held: no sweep
    await t.kv.del('clients:sweep');
    await sweepExpiredClientsSoon(t, (err) => errors.push(err));
    expect(await lastUsed(another.clientId)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './support/test-app.ts';

describe('health and readiness', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('reports the process alive', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when database and KV answer', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: { database: 'ok', kv: 'ok' } });
  });

  it('is not ready (503) when the KV is down, naming what failed', async () => {
    t = await buildTestApp();
    await t.kv.close();
    t.kv.ping = async () => {
      throw new Error('connection refused');
    };
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', kv: 'error' } });
  });

  it('is not ready (503) when the database is down', async () => {
    t = await buildTestApp();
    t.db.ping = async () => {
      throw new Error('gone');
    };
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.database).toBe('error');
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/test-app.ts';

describe('health and readiness', () => {
  const t = useTestApp({}, { each: true }); // some tests break its storage

  it('reports the process alive', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when database and KV answer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: { database: 'ok', kv: 'ok' } });
  });

  it('is not ready (503) when the KV is down, naming what failed', async () => {
    await t.kv.close();
    t.kv.ping = async () => {
      throw new Error('connection refused');
    };
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', kv: 'error' } });
  });

  it('is not ready (503) when the database is down', async () => {
    t.db.ping = async () => {
      throw new Error('gone');
    };
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.database).toBe('error');
  });
});

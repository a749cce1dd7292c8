// Graceful shutdown (src/http/draining.ts): app.close() lets a request in flight finish normally, and a
// request that arrives during the drain gets the one error shape (503 temporarily_unavailable, Retry-After,
// Connection: close), not Fastify's plain-text 503; /readyz answers 503 in its Readiness shape from the
// first moment of the drain.
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { expect, it } from 'vitest';
import type { Kv } from '../src/store/kv/kv.ts';
import { MemoryKv } from '../src/store/kv/memory-kv.ts';
import { signUpUser } from './support/flow.ts';
import { createManualKey } from './support/manual-keys.ts';
import { buildTestApp } from './support/test-app.ts';

it('drains the request in flight and answers a request arriving during the drain with 503 in the error shape', { timeout: 120_000 }, async () => {
  const t = await buildTestApp({ env: { LOG_LEVEL: 'debug' } }); // "incoming request" lines tell a request is in flight
  const user = await signUpUser(t);
  const key = await createManualKey(t, user, ['reminders:read']);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as net.AddressInfo;

  // Hold the database so the first request stays in flight until we let it go.
  let thaw!: () => void;
  const gate = new Promise<void>((resolve) => (thaw = resolve));
  void (t.db.db as unknown as { $client: PGlite }).$client.transaction(() => gate).catch(() => {});

  // One keep-alive connection: a request in flight, then a second one sent once the drain has begun.
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`GET /v1/reminders HTTP/1.1\r\nHost: localhost:3000\r\nAuthorization: Bearer ${key.secret}\r\n\r\n`);
  await expect.poll(() => t.logs().includes('"path":"/v1/reminders"'), { timeout: 10_000 }).toBe(true);

  const closed = t.app.close();
  socket.write('GET /healthz HTTP/1.1\r\nHost: localhost:3000\r\n\r\n');
  await expect.poll(() => t.logs().includes('"path":"/healthz"'), { timeout: 10_000 }).toBe(true);
  thaw();
  await closed;
  await ended;

  const responses = received.split(/(?=HTTP\/1\.1 )/);
  expect(responses).toHaveLength(2);
  expect(responses[0]).toMatch(/^HTTP\/1\.1 200 /);
  expect(responses[1]).toMatch(/^HTTP\/1\.1 503 /);
  expect(responses[1]).toMatch(/\r\nretry-after: 1\r\n/i);
  expect(responses[1]).toMatch(/\r\nconnection: close\r\n/i);
  const body = JSON.parse(responses[1]!.split('\r\n\r\n')[1]!) as Record<string, unknown>;
  expect(body.error).toBe('temporarily_unavailable');
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  await t.db.close();
});

it('answers /readyz 503 with the Readiness body from the moment the drain begins, storage still healthy', { timeout: 120_000 }, async () => {
  // A KV whose session reads wait on a gate: a session request stays in flight (the drain goes on) while
  // the KV's ping and the database answer normally.
  let thaw!: () => void;
  const gate = new Promise<void>((resolve) => (thaw = resolve));
  let armed = false;
  const inner = new MemoryKv();
  const held = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (prop !== 'get') return method;
      return async (key: string) => {
        if (armed && key.startsWith('session:')) await gate;
        return method(key);
      };
    },
  }) as Kv;
  const t = await buildTestApp({ kv: held, env: { LOG_LEVEL: 'debug' } }); // "incoming request" lines tell a request is in flight
  const user = await signUpUser(t);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as net.AddressInfo;
  expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

  armed = true;
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`GET /api/auth/session HTTP/1.1\r\nHost: localhost:3000\r\nCookie: ${user.cookie}\r\n\r\n`);
  await expect.poll(() => t.logs().includes('"path":"/api/auth/session"'), { timeout: 10_000 }).toBe(true);

  const closed = t.app.close();
  socket.write('GET /readyz HTTP/1.1\r\nHost: localhost:3000\r\n\r\n');
  // The second /readyz to arrive (the first was the check before the drain).
  const arrivals = () =>
    t
      .logs()
      .split('\n')
      .filter((line) => line.includes('"incoming request"') && line.includes('"path":"/readyz"')).length;
  await expect.poll(arrivals, { timeout: 10_000 }).toBe(2);
  thaw();
  await closed;
  await ended;

  const responses = received.split(/(?=HTTP\/1\.1 )/);
  expect(responses).toHaveLength(2);
  expect(responses[0]).toMatch(/^HTTP\/1\.1 200 /);
  expect(responses[1]).toMatch(/^HTTP\/1\.1 503 /);
  expect(responses[1]).toMatch(/\r\ncache-control: no-store\r\n/i);
  expect(JSON.parse(responses[1]!.split('\r\n\r\n')[1]!)).toEqual({ status: 'unavailable', checks: { database: 'ok', kv: 'ok' } });
  await inner.close();
  await t.db.close();
});

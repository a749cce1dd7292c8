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
import { buildTestApp, type TestApp } from './support/test-app.ts';

/** A promise the test opens when it lets a held storage call go. */
function gate(): { held: Promise<void>; open(): void } {
  let open!: () => void;
  const held = new Promise<void>((resolve) => (open = resolve));
  return { held, open };
}

/** Listens on a free port of 127.0.0.1 and returns it. */
async function listen(t: TestApp): Promise<number> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.server.address() as net.AddressInfo).port;
}

/** Whether at least `times` requests to `path` have arrived (the debug-level "incoming request" lines). */
const logged =
  (t: TestApp, path: string, times = 1) =>
  () =>
    t
      .logs()
      .split('\n')
      .filter((line) => line.includes('"incoming request"') && line.includes(`"path":"${path}"`)).length >= times;

/** Apps here log at debug: an "incoming request" line tells a request is in flight. */
const DEBUG = { LOG_LEVEL: 'debug' };

interface Sent {
  request: string;
  /** True once the app has seen the request (its log line). */
  seen(): boolean;
}

/**
 * One keep-alive connection: `inFlight` is sent and held (by the test's gate) until `arriving`, sent on the
 * same connection after app.close() began the drain, has been seen; then `release` lets the first one finish.
 * Returns the second response, raw, after checking the first finished 200 and the second was answered 503.
 */
async function drainWithOneInFlight(t: TestApp, port: number, inFlight: Sent, arriving: Sent, release: () => void): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(inFlight.request);
  await expect.poll(inFlight.seen, { timeout: 10_000 }).toBe(true);

  const closed = t.app.close();
  socket.write(arriving.request);
  await expect.poll(arriving.seen, { timeout: 10_000 }).toBe(true);
  release();
  await closed;
  await ended;

  const responses = received.split(/(?=HTTP\/1\.1 )/);
  expect(responses).toHaveLength(2);
  expect(responses[0]).toMatch(/^HTTP\/1\.1 200 /);
  expect(responses[1]).toMatch(/^HTTP\/1\.1 503 /);
  return responses[1]!;
}

const bodyOf = (response: string): unknown => JSON.parse(response.split('\r\n\r\n')[1]!);

it('drains the request in flight and answers a request arriving during the drain with 503 in the error shape', { timeout: 120_000 }, async () => {
  const t = await buildTestApp({ env: DEBUG });
  const user = await signUpUser(t);
  const key = await createManualKey(t, user, ['reminders:read']);
  const port = await listen(t);

  // Hold the database so the first request stays in flight until we let it go.
  const database = gate();
  void (t.db.db as unknown as { $client: PGlite }).$client.transaction(() => database.held).catch(() => {});

  const drained = await drainWithOneInFlight(
    t,
    port,
    { request: `GET /v1/reminders HTTP/1.1\r\nHost: localhost:3000\r\nAuthorization: Bearer ${key.secret}\r\n\r\n`, seen: logged(t, '/v1/reminders') },
    { request: 'GET /healthz HTTP/1.1\r\nHost: localhost:3000\r\n\r\n', seen: logged(t, '/healthz') },
    database.open,
  );
  expect(drained).toMatch(/\r\nretry-after: 1\r\n/i);
  expect(drained).toMatch(/\r\nconnection: close\r\n/i);
  const body = bodyOf(drained) as Record<string, unknown>;
  expect(body.error).toBe('temporarily_unavailable');
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  await t.db.close();
});

it('answers /readyz 503 with the Readiness body from the moment the drain begins, storage still healthy', { timeout: 120_000 }, async () => {
  // A KV whose session reads wait on a gate: a session request stays in flight (the drain goes on) while
  // the KV's ping and the database answer normally.
  const sessions = gate();
  let armed = false;
  const inner = new MemoryKv();
  const held = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (prop !== 'get') return method;
      return async (key: string) => {
        if (armed && key.startsWith('session:')) await sessions.held;
        return method(key);
      };
    },
  }) as Kv;
  const t = await buildTestApp({ kv: held, env: DEBUG });
  const user = await signUpUser(t);
  const port = await listen(t);
  expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

  armed = true;
  const drained = await drainWithOneInFlight(
    t,
    port,
    { request: `GET /api/auth/session HTTP/1.1\r\nHost: localhost:3000\r\nCookie: ${user.cookie}\r\n\r\n`, seen: logged(t, '/api/auth/session') },
    // The second /readyz this app logs (the first was the check before the drain).
    { request: 'GET /readyz HTTP/1.1\r\nHost: localhost:3000\r\n\r\n', seen: logged(t, '/readyz', 2) },
    sessions.open,
  );
  expect(drained).toMatch(/\r\ncache-control: no-store\r\n/i);
  expect(bodyOf(drained)).toEqual({ status: 'unavailable', checks: { database: 'ok', kv: 'ok' } });
  await inner.close();
  await t.db.close();
});

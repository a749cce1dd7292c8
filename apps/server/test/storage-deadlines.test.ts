// Every storage call has a deadline (DESIGN.md): a server that accepts connections but never answers (frozen)
// must turn into StorageUnavailableError at the deadline, not a hang.
import net from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorageUnavailable, StorageUnavailableError } from '../src/errors.ts';
import { isPostgresOutage, postgresWithDeadlines } from '../src/store/db/deadlines.ts';
import { withDeadline } from '../src/store/storage-deadline.ts';

describe('withDeadline', () => {
  it('rejects a call that never settles with StorageUnavailableError at the deadline', async () => {
    const started = Date.now();
    const err = await withDeadline(
      'kv',
      50,
      () => new Promise(() => {}),
      () => true,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('turns driver outages into StorageUnavailableError and passes other errors through', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(withDeadline('database', 1000, () => Promise.reject(refused), isPostgresOutage)).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(withDeadline('database', 1000, () => Promise.reject(unique), isPostgresOutage)).rejects.toBe(unique);
    await expect(withDeadline('database', 1000, () => Promise.resolve(7), isPostgresOutage)).resolves.toBe(7);
  });

  it('is recognised through wrapping errors (drizzle wraps driver errors)', () => {
    const wrapped = new Error('Failed query', { cause: new StorageUnavailableError('database', 'down') });
    expect(isStorageUnavailable(wrapped)).toBe(true);
    expect(isStorageUnavailable(new Error('other'))).toBe(false);
  });
});

describe('Postgres client with deadlines', () => {
  // Accepts TCP connections and reads everything, answers nothing: a SIGSTOPped server looks like this.
  const sockets = new Set<net.Socket>();
  const frozen = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => frozen.listen(0, '127.0.0.1', resolve));
    port = (frozen.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => frozen.close(resolve));
  });

  it('a query and a transaction against a frozen server reject at the deadline', async () => {
    const client = postgres(`postgres://x@127.0.0.1:${port}/x`, { max: 2, connect_timeout: 30, onnotice: () => {} });
    const sql = postgresWithDeadlines(client, 200);
    try {
      const started = Date.now();
      const results = await Promise.allSettled([sql.unsafe('select 1').values(), sql.begin(async (tx) => tx.unsafe('select 1'))]);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
      }
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await client.end({ timeout: 0 });
    }
  });
});

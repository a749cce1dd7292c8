// The storage pairs end-to-end suites run on: embedded (PGlite + MemoryKv) always, and real Postgres +
// Redis when DATABASE_URL and REDIS_URL are set (CI sets both). Each open() gets its own database / key prefix.
import { randomUUID } from 'node:crypto';
import { type Clock, ManualClock, systemClock } from '../../src/clock.ts';
import type { Database } from '../../src/store/db/open-db.ts';
import type { Kv } from '../../src/store/kv/kv.ts';
import { MemoryKv } from '../../src/store/kv/memory-kv.ts';
import { RedisKv } from '../../src/store/kv/redis-kv.ts';
import { TEST_STORAGE_TIMEOUT_MS, testDatabases } from './test-databases.ts';

export interface Backends {
  db: Database;
  kv: Kv;
  clock: Clock;
  close(): Promise<void>;
}

export interface BackendFactory {
  name: string;
  available: boolean;
  open(): Promise<Backends>;
}

export function testBackends(): BackendFactory[] {
  const [pglite, postgres] = testDatabases();
  const redisUrl = process.env.REDIS_URL;
  return [
    {
      name: 'embedded (PGlite + in-memory KV)',
      available: true,
      open: async () => {
        const db = await pglite!.open();
        const clock = new ManualClock(Date.now());
        const kv = new MemoryKv({ clock });
        return {
          db,
          kv,
          clock,
          close: async () => {
            await kv.close();
            await db.dispose();
          },
        };
      },
    },
    {
      name: 'Postgres + Redis',
      available: postgres !== undefined && redisUrl !== undefined,
      open: async () => {
        const db = await postgres!.open();
        const kv = await RedisKv.connect({ url: redisUrl!, prefix: `test:${randomUUID()}:`, timeoutMs: TEST_STORAGE_TIMEOUT_MS });
        return {
          db,
          kv,
          clock: systemClock,
          close: async () => {
            await kv.close();
            await db.dispose();
          },
        };
      },
    },
  ];
}

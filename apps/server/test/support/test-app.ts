// Builds the app as tests want it: in-memory PGlite + MemoryKv + a ManualClock by default, or any backend
// pair passed in; logs captured in memory so tests can assert what (never) gets logged. Every response it
// sends is checked against openapi.yaml (response-contract.ts).
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { Database } from '../../src/store/db/open-db.ts';
import type { Kv } from '../../src/store/kv/kv.ts';
import { MemoryKv } from '../../src/store/kv/memory-kv.ts';
import { checkResponsesAgainstSpec } from './response-contract.ts';
import { testDatabases } from './test-databases.ts';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  db: Database;
  kv: Kv;
  clock: ManualClock;
  /** Every log line written so far, raw. */
  logs(): string;
  close(): Promise<void>;
}

export async function buildTestApp(
  opts: { env?: Record<string, string>; db?: Database; kv?: Kv; clock?: ManualClock; clientMetadataFetch?: AppDeps['clientMetadataFetch'] } = {},
): Promise<TestApp> {
  const config = loadConfig({ PUBLIC_URL: 'http://localhost:3000', LOG_LEVEL: 'info', ...opts.env });
  const clock = opts.clock ?? new ManualClock(Date.now());
  const owned = opts.db ? undefined : await testDatabases()[0]!.open(); // in-memory PGlite
  const db = opts.db ?? owned!;
  const kv = opts.kv ?? new MemoryKv({ clock });
  let captured = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      captured += chunk.toString();
      done();
    },
  });
  const app = await buildApp({
    config,
    db,
    kv,
    clock,
    logger: createLogger('info', sink),
    ...(opts.clientMetadataFetch ? { clientMetadataFetch: opts.clientMetadataFetch } : {}),
  });
  checkResponsesAgainstSpec(app); // every response is validated against the spec; violations fail the test
  await app.ready();
  return {
    app,
    config,
    db,
    kv,
    clock,
    logs: () => captured,
    close: async () => {
      await app.close();
      if (!opts.kv) await kv.close();
      await owned?.dispose();
    },
  };
}

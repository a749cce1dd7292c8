// Builds the app as tests want it: in-memory PGlite + MemoryKv + a ManualClock by default, or any backend
// pair passed in; logs captured in memory so tests can assert what (never) gets logged. Every response it
// sends is checked against openapi.yaml (response-contract.ts).
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type AppDeps, buildApp } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { Database } from '../../src/store/db/open-db.ts';
import type { Kv } from '../../src/store/kv/kv.ts';
import { MemoryKv } from '../../src/store/kv/memory-kv.ts';
import { checkResponsesAgainstSpec } from './response-contract.ts';
import { testDatabases } from './test-databases.ts';
import { testResolver } from './test-resolver.ts';

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

export interface TestAppOptions {
  env?: Record<string, string>;
  db?: Database;
  kv?: Kv;
  clock?: ManualClock;
  clientMetadataFetch?: AppDeps['clientMetadataFetch'];
  /** Runs after the app has closed: releases stores the test made for this app alone (passed as `db`/`kv`). */
  afterClose?: () => Promise<void>;
}

export async function buildTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
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
    logger: createLogger(config.logLevel, sink),
    clientMetadataFetch: { resolve: testResolver, ...opts.clientMetadataFetch },
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
      await opts.afterClose?.();
    },
  };
}

/**
 * The app for the enclosing describe block (or file): built before its tests (`each`: before every test) and
 * closed after them, so no test file writes that setup and teardown again. `opts` may be a function, sync or
 * async, called when the app is built (for backends it opens, or made in an earlier hook: an app built from
 * another's stores is declared after it, and closes before it — vitest runs after-hooks in reverse). Stores it
 * opens for this app alone go in `afterClose`. The returned handle forwards to the current app; touching it
 * outside a test or a later hook throws.
 */
export function useTestApp(
  opts: TestAppOptions | (() => TestAppOptions | Promise<TestAppOptions>) = {},
  { each = false, timeout }: { each?: boolean; timeout?: number } = {},
): TestApp {
  let current: TestApp | undefined;
  const [before, after] = each ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    current = await buildTestApp(typeof opts === 'function' ? await opts() : opts);
  }, timeout);
  after(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as TestApp, {
    get(_target, prop) {
      if (!current) throw new Error('useTestApp(): the app exists only inside the tests and later hooks of its block');
      return current[prop as keyof TestApp];
    },
  });
}

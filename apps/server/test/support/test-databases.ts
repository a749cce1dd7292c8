/**
 * The database backends a test suite runs against: in-memory PGlite always, plus a throwaway Postgres
 * database when DATABASE_URL is set (created per open(), dropped on dispose()).
 *
 *   describe.each(testDatabases())('$name', ({ open }) => { ... })
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../src/store/db/open-db.ts';

/**
 * Storage deadline for tests: generous, so a loaded 2-core CI machine never trips it; the fault suite
 * (test/fault) runs the real default against servers it stops and freezes.
 */
export const TEST_STORAGE_TIMEOUT_MS = 10_000;

export type TestDatabase = Database & { dispose(): Promise<void> };

export interface TestDatabaseFactory {
  name: string;
  open(): Promise<TestDatabase>;
}

export function testDatabases(): TestDatabaseFactory[] {
  const factories: TestDatabaseFactory[] = [{ name: 'pglite', open: () => openPgliteInMemory() }];
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) factories.push({ name: 'postgres', open: () => openScratchPostgres(adminUrl) });
  return factories;
}

/** A dump of a freshly migrated in-memory PGlite: loading it skips initdb and the migrations (~15 s of CPU). */
export async function dumpMigratedPglite(): Promise<Blob> {
  const database = await openDatabase({ dataDir: null });
  try {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    return await client.dumpDataDir('none');
  } finally {
    await database.close();
  }
}

/**
 * Made once per test run by test/support/global-setup.ts (which names the file in PGLITE_TEMPLATE_ENV), else
 * once per module instance (the bench, a suite run without the setup).
 */
export const PGLITE_TEMPLATE_ENV = 'RMT_TEST_PGLITE_TEMPLATE';
let pgliteTemplate: Promise<Blob> | undefined;

function migratedPgliteTemplate(): Promise<Blob> {
  const file = process.env[PGLITE_TEMPLATE_ENV];
  pgliteTemplate ??= file ? readFile(file).then((bytes) => new Blob([bytes])) : dumpMigratedPglite();
  return pgliteTemplate;
}

/**
 * Disposed in-memory databases this worker may hand out again, emptied, by storage deadline. Booting PGlite
 * from the template still costs ~1.2 s of CPU; emptying one costs milliseconds, and the suites open hundreds.
 */
const idlePglite = new Map<number, Database[]>();

/**
 * Every table emptied and every identity restarted: what a fresh migrated database holds (the migrations'
 * own bookkeeping lives in the `drizzle` schema, not `public`).
 */
async function emptyDatabase(database: Database): Promise<void> {
  const rows = await database.db.execute<{ list: string | null }>(
    sql`select string_agg(format('%I.%I', schemaname, tablename), ', ') as list from pg_tables where schemaname = 'public'`,
  );
  const list = (rows as unknown as { rows: { list: string | null }[] }).rows[0]?.list;
  if (list) await database.db.execute(sql.raw(`truncate ${list} restart identity cascade`));
}

/**
 * A migrated in-memory PGlite with no rows (a fresh boot from the template, or one a finished test disposed
 * and this worker emptied); `timeoutMs` is its storage deadline. A database the test closed itself is never
 * handed out again.
 */
export async function openPgliteInMemory(timeoutMs = TEST_STORAGE_TIMEOUT_MS): Promise<TestDatabase> {
  const database = idlePglite.get(timeoutMs)?.pop() ?? (await openDatabase({ dataDir: null, loadDataDir: await migratedPgliteTemplate(), timeoutMs }));
  let closed = false;
  let disposed = false;
  return {
    ...database,
    close() {
      closed = true;
      return database.close();
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (closed) return database.close();
      try {
        await emptyDatabase(database);
      } catch {
        return database.close(); // still locked or broken by the test: not reusable
      }
      const idle = idlePglite.get(timeoutMs) ?? [];
      idle.push(database);
      idlePglite.set(timeoutMs, idle);
    },
  };
}

async function openScratchPostgres(adminUrl: string): Promise<TestDatabase> {
  const name = `rmt_test_${randomBytes(8).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const dropAndEnd = async () => {
    try {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  let database: Database;
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    database = await openDatabase({ databaseUrl: url.toString(), timeoutMs: TEST_STORAGE_TIMEOUT_MS });
  } catch (err) {
    await dropAndEnd().catch(() => {});
    throw err;
  }
  return {
    ...database,
    async dispose() {
      try {
        await database.close();
      } finally {
        await dropAndEnd();
      }
    },
  };
}

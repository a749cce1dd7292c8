/**
 * The database backends a test suite runs against: in-memory PGlite always, plus a throwaway Postgres
 * database when DATABASE_URL is set (created per open(), dropped on dispose()).
 *
 *   describe.each(testDatabases())('$name', ({ open }) => { ... })
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/store/db/open-db.ts';

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

/** A fresh migrated in-memory PGlite (from the template); `timeoutMs` is its storage deadline. */
export async function openPgliteInMemory(timeoutMs = TEST_STORAGE_TIMEOUT_MS): Promise<TestDatabase> {
  const database = await openDatabase({ dataDir: null, loadDataDir: await migratedPgliteTemplate(), timeoutMs });
  return { ...database, dispose: () => database.close() };
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

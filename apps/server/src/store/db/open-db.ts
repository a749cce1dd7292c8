/**
 * Opens the relational store: Postgres (postgres-js) when a DATABASE_URL is given, embedded PGlite otherwise
 * (on disk under `dataDir`, or in memory). The committed migrations in `apps/server/drizzle/` are applied
 * before the handle is returned.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { packageDir } from '../../package-dir.ts';
import { DEFAULT_STORAGE_TIMEOUT_MS, withDeadline } from '../storage-deadline.ts';
import { isPostgresOutage, pgliteWithDeadlines, postgresWithDeadlines } from './deadlines.ts';
import { pgliteDriver, postgresJsDriver, sql } from './drizzle.ts';
import { schema } from './schema.ts';

/** The common supertype of the PGlite and postgres-js drizzle instances; everything else codes against this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Round-trips `select 1`; rejects when the database is unreachable. */
  ping(): Promise<void>;
  /** Ends the pool / closes PGlite. Safe to call more than once. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Postgres connection string. When set, PGlite is not used. */
  databaseUrl?: string;
  /** PGlite data directory (created if missing). `null`/absent without a URL → in-memory PGlite. */
  dataDir?: string | null;
  /**
   * PGlite only: start from this data-directory dump (`PGlite#dumpDataDir`) instead of running initdb.
   * Tests use a migrated template to make each fresh in-memory database cheap (~0.5 s instead of ~2 s).
   */
  loadDataDir?: Blob;
  /**
   * Deadline of every query and transaction (STORAGE_TIMEOUT_MS); past it the call rejects with
   * StorageUnavailableError. Migrations at open have none (they may wait for another instance's lock).
   */
  timeoutMs?: number;
}

/** Resolved from the package, not the cwd, so the server can be started from anywhere. */
const migrationsFolder = fileURLToPath(new URL('drizzle/', packageDir));

/**
 * Session-level advisory lock key held while migrating, so N instances starting together against one
 * Postgres apply migrations one at a time (drizzle's migrator itself is not safe to run concurrently).
 */
const MIGRATION_LOCK_KEY = 7_261_337_042;

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STORAGE_TIMEOUT_MS;
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, timeoutMs) : openPglite(opts.dataDir ?? null, opts.loadDataDir, timeoutMs);
}

async function openPostgres(url: string, timeoutMs: number): Promise<Database> {
  const { drizzle: drizzlePostgres } = postgresJsDriver();
  await migratePostgresLocked(url);
  const client = postgres(url, {
    max: 10,
    onnotice: () => {},
    connect_timeout: timeoutMs / 1000, // seconds; fractions work
    // Server-side limits, sent as run-time parameters in the startup message (PostgreSQL §19.11.2): a slow
    // statement is cancelled at the deadline, and a transaction whose client vanished is rolled back.
    connection: {
      statement_timeout: timeoutMs,
      idle_in_transaction_session_timeout: timeoutMs * 2,
    },
  });
  const db = drizzlePostgres({ client: postgresWithDeadlines(client, timeoutMs), schema });
  // end({ timeout }) waits that long (seconds) for running queries, then destroys the connections.
  return handle(db, 'postgres', () => client.end({ timeout: timeoutMs / 1000 }), timeoutMs, isPostgresOutage);
}

async function migratePostgresLocked(url: string): Promise<void> {
  const { drizzle: drizzlePostgres, migrate: migratePostgres } = postgresJsDriver();
  // A dedicated single-connection client: the advisory lock belongs to the session that took it, and
  // with max: 1 the lock, every migration statement and the unlock all run on that one connection.
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres({ client }), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end();
  }
}

async function openPglite(dataDir: string | null, loadDataDir: Blob | undefined, timeoutMs: number): Promise<Database> {
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });
  // Imported here, not at the top: a DATABASE_URL configuration never loads PGlite (its modules and wasm).
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle: drizzlePglite, migrate: migratePglite } = pgliteDriver();
  const options = loadDataDir ? { loadDataDir } : {};
  const client = dataDir === null ? await PGlite.create(options) : await PGlite.create(dataDir, options);
  try {
    await migratePglite(drizzlePglite({ client, schema }), { migrationsFolder });
    const db = drizzlePglite({ client: pgliteWithDeadlines(client, timeoutMs), schema });
    return handle(
      db,
      'pglite',
      () => client.close(),
      timeoutMs,
      () => false,
    );
  } catch (err) {
    await client.close().catch(() => {});
    throw err;
  }
}

function handle(db: Db, kind: Database['kind'], end: () => Promise<void>, timeoutMs: number, isOutage: (err: unknown) => boolean): Database {
  let closing: Promise<void> | undefined;
  return {
    db,
    kind,
    async ping() {
      await db.execute(sql`select 1`);
    },
    close() {
      // Bounded even when the server is frozen: shutdown must not hang on storage.
      closing ??= withDeadline('database', timeoutMs * 2, end, isOutage).catch(() => {});
      return closing;
    },
  };
}

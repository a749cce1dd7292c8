import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, type SQL, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Database, type Db, openDatabase } from '../src/store/db/open-db.ts';
import { apiKeys, auditEvents, oauthClients, reminders, users } from '../src/store/db/schema.ts';
import { type TestDatabase, testDatabases } from './support/test-databases.ts';

const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';

/** `db.execute` returns `{ rows }` on PGlite and an array on postgres-js. */
async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The SQLSTATE of a failed query (drizzle wraps driver errors in DrizzleQueryError with `cause`). */
async function sqlStateOf(promise: PromiseLike<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    let e: unknown = err;
    while (e && typeof e === 'object') {
      if ('code' in e && typeof e.code === 'string') return e.code;
      e = 'cause' in e ? e.cause : undefined;
    }
    throw err;
  }
  return undefined;
}

async function publicTables(db: Db): Promise<string[]> {
  const rows = await rowsOf<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return rows.map((r) => r.table_name);
}

async function migrationCount(db: Db): Promise<number> {
  const rows = await rowsOf<{ n: number | string }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number(rows[0]?.n);
}

/** Every migration committed under apps/server/drizzle/. */
const MIGRATIONS = readMigrationFiles({
  migrationsFolder: fileURLToPath(new URL('../drizzle/', import.meta.url)),
}).length;

const ALL_TABLES = ['api_keys', 'audit_events', 'oauth_clients', 'reminders', 'users'];

function newKey(userId: string, overrides: Partial<typeof apiKeys.$inferInsert> = {}) {
  return {
    userId,
    label: 'Claude (web connector)',
    prefix: 'rmt_abcd',
    secretHash: randomBytes(32).toString('hex'),
    scopes: ['reminders:read', 'reminders:write'],
    resource: 'https://reminderit.example/mcp',
    ...overrides,
  };
}

function newReminder(userId: string, overrides: Record<string, unknown> = {}) {
  return {
    userId,
    text: 'Call mum',
    dueAt: new Date('2026-02-01T09:00:00Z'),
    channel: 'phone' as const,
    phoneNumber: '+15555550100',
    ...overrides,
  } as typeof reminders.$inferInsert;
}

describe.each(testDatabases())('relational store on $name', ({ name, open }) => {
  let database: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    database = await open();
    db = database.db;
  });
  afterEach(async () => {
    await database.dispose();
  });

  it('applies the migrations on open [all five tables exist]', async () => {
    expect(database.kind).toBe(name);
    expect(await publicTables(db)).toEqual(ALL_TABLES);
    expect(await migrationCount(db)).toBe(MIGRATIONS);
  });

  it('answers ping', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('stores and reads back a user with generated id and created_at', async () => {
    const [inserted] = await db.insert(users).values({ email: 'ada@example.com', passwordHash: 'argon2-hash' }).returning();
    expect(inserted?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(inserted?.createdAt).toBeInstanceOf(Date);

    const found = await db.select().from(users).where(eq(users.email, 'ada@example.com'));
    expect(found).toEqual([inserted]);
  });

  it('rejects a second user with the same email [unique violation]', async () => {
    await db.insert(users).values({ email: 'ada@example.com', passwordHash: 'h1' });
    const code = await sqlStateOf(db.insert(users).values({ email: 'ada@example.com', passwordHash: 'h2' }));
    expect(code).toBe(UNIQUE_VIOLATION);
  });

  it('round-trips an api key with its scopes and client', async () => {
    const [user] = await db.insert(users).values({ email: 'a@example.com', passwordHash: 'h' }).returning();
    await db.insert(oauthClients).values({
      id: 'client-1',
      label: 'Claude (web connector)',
      clientName: 'Claude',
      redirectUris: ['https://claude.ai/api/mcp/auth_callback'],
      tokenEndpointAuthMethod: 'none',
      metadata: { client_name: 'Claude', grant_types: ['authorization_code'] },
    });
    const values = newKey(user!.id, { clientId: 'client-1' });
    const [key] = await db.insert(apiKeys).values(values).returning();

    const [read] = await db.select().from(apiKeys).where(eq(apiKeys.secretHash, values.secretHash));
    expect(read).toEqual(key);
    expect(read).toMatchObject({
      userId: user!.id,
      clientId: 'client-1',
      scopes: ['reminders:read', 'reminders:write'],
      lastUsedAt: null,
      revokedAt: null,
    });
    const [client] = await db.select().from(oauthClients).where(eq(oauthClients.id, 'client-1'));
    expect(client?.redirectUris).toEqual(['https://claude.ai/api/mcp/auth_callback']);
    expect(client?.metadata).toEqual({ client_name: 'Claude', grant_types: ['authorization_code'] });
  });

  it('rejects two keys with the same secret hash [unique violation]', async () => {
    const [user] = await db.insert(users).values({ email: 'a@example.com', passwordHash: 'h' }).returning();
    const values = newKey(user!.id);
    await db.insert(apiKeys).values(values);
    expect(await sqlStateOf(db.insert(apiKeys).values({ ...values, label: 'other' }))).toBe(UNIQUE_VIOLATION);
  });

  it("deleting a user deletes the user's keys and reminders [cascade]", async () => {
    const [alice] = await db.insert(users).values({ email: 'alice@example.com', passwordHash: 'h' }).returning();
    const [bob] = await db.insert(users).values({ email: 'bob@example.com', passwordHash: 'h' }).returning();
    await db.insert(apiKeys).values([newKey(alice!.id), newKey(alice!.id), newKey(bob!.id)]);
    await db.insert(reminders).values([newReminder(alice!.id), newReminder(bob!.id)]);

    await db.delete(users).where(eq(users.id, alice!.id));

    const keys = await db.select().from(apiKeys);
    const rems = await db.select().from(reminders);
    expect(keys.map((k) => k.userId)).toEqual([bob!.id]);
    expect(rems.map((r) => r.userId)).toEqual([bob!.id]);
  });

  it('deleting a client keeps its keys with client_id set to null [set null]', async () => {
    const [user] = await db.insert(users).values({ email: 'a@example.com', passwordHash: 'h' }).returning();
    await db.insert(oauthClients).values({
      id: 'client-1',
      label: 'Claude (web connector)',
      redirectUris: ['https://claude.ai/cb'],
      tokenEndpointAuthMethod: 'none',
      metadata: {},
    });
    const [key] = await db
      .insert(apiKeys)
      .values(newKey(user!.id, { clientId: 'client-1' }))
      .returning();

    await db.delete(oauthClients).where(eq(oauthClients.id, 'client-1'));

    const [after] = await db.select().from(apiKeys).where(eq(apiKeys.id, key!.id));
    expect(after).toBeDefined();
    expect(after?.clientId).toBeNull();
  });

  it("defaults a reminder's status to scheduled", async () => {
    const [user] = await db.insert(users).values({ email: 'a@example.com', passwordHash: 'h' }).returning();
    const [rem] = await db
      .insert(reminders)
      .values(newReminder(user!.id, { channel: 'whatsapp' }))
      .returning();
    expect(rem).toMatchObject({ status: 'scheduled', channel: 'whatsapp', cancelledAt: null });
    expect(rem?.dueAt.toISOString()).toBe('2026-02-01T09:00:00.000Z');
  });

  it('rejects a reminder with an unknown channel or status [check constraints]', async () => {
    const [user] = await db.insert(users).values({ email: 'a@example.com', passwordHash: 'h' }).returning();
    expect(await sqlStateOf(db.insert(reminders).values(newReminder(user!.id, { channel: 'sms' })))).toBe(CHECK_VIOLATION);
    expect(await sqlStateOf(db.insert(reminders).values(newReminder(user!.id, { status: 'done' })))).toBe(CHECK_VIOLATION);
    expect(await db.select().from(reminders)).toEqual([]);
  });

  it('appends audit events with an identity id and empty data by default', async () => {
    const [first] = await db.insert(auditEvents).values({ type: 'client_registered', clientId: 'c1' }).returning();
    const [second] = await db
      .insert(auditEvents)
      .values({ type: 'key_minted', clientId: 'c1', data: { scope: 'reminders:read' } })
      .returning();
    expect(first?.data).toEqual({});
    expect(second!.id).toBeGreaterThan(first!.id);
    expect(second?.data).toEqual({ scope: 'reminders:read' });
  });

  it('close() is idempotent', async () => {
    await database.close();
    await database.close();
  });
});

describe('PGlite with a data directory', () => {
  let dir: string;
  const opened: Database[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rmt-pglite-'));
  });
  afterEach(async () => {
    for (const d of opened.splice(0)) await d.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps data across close and reopen', async () => {
    const first = await openDatabase({ dataDir: join(dir, 'nested', 'data') });
    opened.push(first);
    expect(first.kind).toBe('pglite');
    await first.db.insert(users).values({ email: 'ada@example.com', passwordHash: 'h' });
    await first.close();

    const second = await openDatabase({ dataDir: join(dir, 'nested', 'data') });
    opened.push(second);
    const found = await second.db.select().from(users);
    expect(found.map((u) => u.email)).toEqual(['ada@example.com']);
  });

  it('applies migrations only once when opened twice', async () => {
    const first = await openDatabase({ dataDir: dir });
    opened.push(first);
    expect(await migrationCount(first.db)).toBe(MIGRATIONS);
    await first.close();

    const second = await openDatabase({ dataDir: dir });
    opened.push(second);
    expect(await migrationCount(second.db)).toBe(MIGRATIONS);
    expect(await publicTables(second.db)).toEqual(ALL_TABLES);
  });
});

const adminUrl = process.env.DATABASE_URL;

describe.runIf(adminUrl)('Postgres migrations under concurrent start', () => {
  const name = `rmt_test_${randomBytes(8).toString('hex')}`;
  let admin: postgres.Sql;
  let url: string;

  beforeAll(async () => {
    admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    const u = new URL(adminUrl!);
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    await admin?.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin?.end();
  });

  it('several instances opening one empty database at once migrate it exactly once', async () => {
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => openDatabase({ databaseUrl: url })));
    const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await migrationCount(opened[0]!.db)).toBe(MIGRATIONS);
      expect(await publicTables(opened[0]!.db)).toEqual(ALL_TABLES);
    } finally {
      await Promise.all(opened.map((d) => d.close()));
    }
  });
});

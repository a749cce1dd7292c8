// Accounts in the `users` table. Emails are stored trimmed and lowercased, so the column's unique
// constraint makes "one account per email" case-insensitive.
import type { AppContext } from '../context.ts';
import { conflict } from '../errors.ts';
import { eq, sql } from '../store/db/drizzle.ts';
import { prepared } from '../store/db/prepared.ts';
import { type UserRow, users } from '../store/db/schema.ts';

/** Postgres SQLSTATE 23505 unique_violation. */
const UNIQUE_VIOLATION = '23505';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** drizzle wraps driver errors (the driver's error is `cause`); PGlite and postgres-js both carry `code`. */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.cause?.code === UNIQUE_VIOLATION || e?.code === UNIQUE_VIOLATION;
}

/** Inserts a user; an email that already has an account → 409 conflict. */
export async function createUser(ctx: Pick<AppContext, 'db' | 'clock'>, input: { email: string; passwordHash: string }): Promise<UserRow> {
  try {
    const [user] = await ctx.db.db
      .insert(users)
      .values({ email: normalizeEmail(input.email), passwordHash: input.passwordHash, createdAt: new Date(ctx.clock.now()) })
      .returning();
    if (!user) throw new Error('user insert returned no row');
    return user;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('An account with this email already exists.');
    throw err;
  }
}

export async function findUserByEmail(ctx: Pick<AppContext, 'db'>, email: string): Promise<UserRow | undefined> {
  const [user] = await ctx.db.db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return user;
}

/** The user of a session (GET /api/auth/session, which the consent app asks on every page it loads): prepared. */
export async function findUserById(ctx: Pick<AppContext, 'db'>, id: string): Promise<UserRow | undefined> {
  const [user] = await userById(ctx.db).execute({ id });
  return user;
}

const userById = prepared((db) =>
  db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .limit(1)
    .prepare('user_by_id'),
);

export async function updatePasswordHash(ctx: Pick<AppContext, 'db'>, id: string, passwordHash: string): Promise<void> {
  await ctx.db.db.update(users).set({ passwordHash }).where(eq(users.id, id));
}

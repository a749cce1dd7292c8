// Reminders in the database. Every query is scoped to one user (the key's owner): another user's reminder
// is indistinguishable from one that does not exist. "Now" is the injected clock.
import type { SQL } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { conflict, invalidRequest, notFound } from '../errors.ts';
import { and, asc, desc, eq, gt, gte, lt, not, or, sql } from '../store/db/drizzle.ts';
import { prepared } from '../store/db/prepared.ts';
import { type ReminderChannel, type ReminderRow, reminders } from '../store/db/schema.ts';
import { decodeCursor, encodeCursor, type ReminderList } from './list-cursor.ts';
import { DATE_TIME_WITH_OFFSET, E164_PHONE, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, REMINDER_CHANNELS, REMINDER_TEXT_MAX } from './reminder-rules.ts';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

export interface NewReminder {
  text: string;
  /** RFC 3339 with a UTC offset. */
  dueAt: string;
  channel: ReminderChannel;
  phoneNumber: string;
}

export interface ListQuery {
  list: ReminderList;
  limit?: number;
  cursor?: string;
}

export interface ReminderPageRows {
  rows: ReminderRow[];
  nextCursor: string | null;
}

export const reminderNotFound = () => notFound('No such reminder.');

export async function createReminder(ctx: Ctx, userId: string, input: NewReminder): Promise<ReminderRow> {
  const now = ctx.clock.now();
  const checked = checkNewReminder(input, now);
  const [row] = await insertReminder(ctx.db).execute({ userId, ...checked, createdAt: new Date(now) });
  if (!row) throw new Error('reminder insert returned no row');
  return row;
}

const insertReminder = prepared((db) => {
  const p = sql.placeholder;
  return db
    .insert(reminders)
    .values({
      userId: p('userId'),
      text: p('text'),
      dueAt: p('dueAt'),
      channel: p('channel'),
      phoneNumber: p('phoneNumber'),
      status: 'scheduled',
      createdAt: p('createdAt'),
    })
    .returning()
    .prepare('insert_reminder');
});

/**
 * One page of the user's reminders. `upcoming`: scheduled and due from now on, soonest first; `past`:
 * everything else (sent, failed, cancelled, or overdue), most recent first. Keyset pagination over
 * (due_at, id), so pages never repeat or skip a row however the list changes in between.
 */
export async function listReminders(ctx: Ctx, userId: string, query: ListQuery): Promise<ReminderPageRows> {
  const limit = Math.min(Math.max(query.limit ?? LIST_LIMIT_DEFAULT, 1), LIST_LIMIT_MAX);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.list);
  const page = REMINDER_PAGES[query.list][after ? 'after' : 'first'];
  const rows = await page(ctx.db).execute({
    userId,
    // Placeholders in a condition reach the driver as given (no column encoder): timestamps go as ISO text.
    now: new Date(ctx.clock.now()).toISOString(),
    limit: limit + 1,
    ...(after ? { afterDueAt: after.dueAt.toISOString(), afterId: after.id } : {}),
  });
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ list: query.list, dueAt: last.dueAt, id: last.id }) : null;
  return { rows: shown, nextCursor };
}

/**
 * The page queries, one prepared statement per list and cursor presence (named, so Postgres parses and plans
 * each once per connection instead of on every call). Placeholders: userId, now, limit; afterDueAt, afterId.
 */
function pageQuery(list: ReminderList, withCursor: boolean) {
  const p = sql.placeholder;
  const upcoming = list === 'upcoming';
  return prepared((db) => {
    const isUpcoming = and(eq(reminders.status, 'scheduled'), gte(reminders.dueAt, p('now')))!;
    const conditions: SQL[] = [eq(reminders.userId, p('userId')), upcoming ? isUpcoming : not(isUpcoming)];
    if (withCursor) {
      const beyond = upcoming ? gt : lt;
      conditions.push(or(beyond(reminders.dueAt, p('afterDueAt')), and(eq(reminders.dueAt, p('afterDueAt')), beyond(reminders.id, p('afterId'))))!);
    }
    const order = upcoming ? asc : desc;
    return db
      .select()
      .from(reminders)
      .where(and(...conditions))
      .orderBy(order(reminders.dueAt), order(reminders.id))
      .limit(p('limit'))
      .prepare(`reminders_${list}${withCursor ? '_after' : ''}`);
  });
}

const REMINDER_PAGES = {
  upcoming: { first: pageQuery('upcoming', false), after: pageQuery('upcoming', true) },
  past: { first: pageQuery('past', false), after: pageQuery('past', true) },
};

export async function getReminder(ctx: Ctx, userId: string, id: string): Promise<ReminderRow> {
  const [row] = await reminderOfUser(ctx.db).execute({ id, userId });
  if (!row) throw reminderNotFound();
  return row;
}

const reminderOfUser = prepared((db) =>
  db
    .select()
    .from(reminders)
    .where(and(eq(reminders.id, sql.placeholder('id')), eq(reminders.userId, sql.placeholder('userId'))))
    .limit(1)
    .prepare('reminder_of_user'),
);

/**
 * Cancels a scheduled reminder that is not yet due. The update itself carries the conditions, so two
 * concurrent cancels (or a cancel racing the dialer) cannot both win; on no update, the row says why.
 */
export async function cancelReminder(ctx: Ctx, userId: string, id: string): Promise<ReminderRow> {
  const now = new Date(ctx.clock.now());
  const [cancelled] = await cancelScheduled(ctx.db).execute({ id, userId, now: now.toISOString() });
  if (cancelled) return cancelled;
  const row = await getReminder(ctx, userId, id); // 404 when not the user's
  if (row.status !== 'scheduled') throw conflict(`The reminder is already ${row.status}.`);
  throw conflict('The reminder is already due; it can no longer be cancelled.');
}

/** `now` (ISO text: placeholders in SQL and conditions reach the driver as given) is also the cancel time. */
const cancelScheduled = prepared((db) => {
  const p = sql.placeholder;
  return db
    .update(reminders)
    .set({ status: 'cancelled', cancelledAt: sql`${p('now')}` })
    .where(and(eq(reminders.id, p('id')), eq(reminders.userId, p('userId')), eq(reminders.status, 'scheduled'), gt(reminders.dueAt, p('now'))))
    .returning()
    .prepare('cancel_scheduled_reminder');
});

/**
 * The rules the contract cannot state: a due time in the future, text that is not blank. The shape rules
 * are re-checked too, so MCP tools and REST share one definition of a valid reminder.
 */
function checkNewReminder(input: NewReminder, now: number) {
  const { text } = input;
  if (text.trim() === '' || [...text].length > REMINDER_TEXT_MAX) {
    throw invalidRequest(`text must be 1 to ${REMINDER_TEXT_MAX} characters and not blank.`);
  }
  if (!DATE_TIME_WITH_OFFSET.test(input.dueAt)) {
    throw invalidRequest('due_at must be an ISO 8601 date-time with a UTC offset, e.g. 2026-01-05T09:30:00+01:00.');
  }
  const dueAt = new Date(input.dueAt.toUpperCase().replace(' ', 'T'));
  if (Number.isNaN(dueAt.getTime())) throw invalidRequest('due_at is not a valid date-time.');
  if (dueAt.getTime() <= now) {
    throw invalidRequest(`due_at must be in the future (it is now ${new Date(now).toISOString()}).`);
  }
  if (!REMINDER_CHANNELS.includes(input.channel)) {
    throw invalidRequest(`channel must be one of ${REMINDER_CHANNELS.join(', ')}.`);
  }
  if (!E164_PHONE.test(input.phoneNumber)) {
    throw invalidRequest('phone_number must be in E.164 form, e.g. +33612345678.');
  }
  return { text, dueAt, channel: input.channel, phoneNumber: input.phoneNumber };
}

// listReminders, createReminder, getReminder, cancelReminder (bearer API key).
import type {
  CancelReminderData,
  CancelReminderErrors,
  CancelReminderResponses,
  CreateReminderData,
  CreateReminderErrors,
  CreateReminderResponses,
  GetReminderData,
  GetReminderErrors,
  GetReminderResponses,
  ListRemindersData,
  ListRemindersErrors,
  ListRemindersResponses,
  Reminder,
} from '@reminderit/sdk';
import { bearerKey } from '../auth.ts';
import { isRecord, oauthError, type Router, readJson } from '../respond.ts';
import { type MockState, randomId } from '../state.ts';

const PHONE = /^\+[1-9][0-9]{1,14}$/;
const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A new scheduled reminder from create input (REST body or MCP tool arguments), or undefined when the input
 * breaks the rules the server enforces: 1–500 chars of text, a future due_at with an offset, a channel, E.164.
 */
export function newReminder(input: Record<string, unknown>): Reminder | undefined {
  const valid =
    typeof input.text === 'string' &&
    input.text.length >= 1 &&
    input.text.length <= 500 &&
    typeof input.due_at === 'string' &&
    OFFSET_DATE_TIME.test(input.due_at) &&
    Date.parse(input.due_at) > Date.now() &&
    (input.channel === 'phone' || input.channel === 'whatsapp') &&
    typeof input.phone_number === 'string' &&
    PHONE.test(input.phone_number);
  if (!valid) return undefined;
  return {
    id: randomId(),
    text: input.text as string,
    due_at: input.due_at as string,
    channel: input.channel as Reminder['channel'],
    phone_number: input.phone_number as string,
    status: 'scheduled',
    created_at: new Date().toISOString(),
    cancelled_at: null,
  };
}

const isUpcoming = (r: Reminder, now: number) => r.status === 'scheduled' && Date.parse(r.due_at) >= now;

/**
 * One page of reminders as the server pages them (REST list and the `list_reminders` tool): "upcoming" soonest
 * first, "past" most recent first; the cursor is opaque to callers (here, an offset). Undefined when out of range.
 */
export function listPage(
  state: MockState,
  query: { status: unknown; limit: unknown; cursor?: unknown },
): { reminders: Reminder[]; next_cursor: string | null } | undefined {
  const { status, limit } = query;
  const cursor = query.cursor ?? '0';
  if ((status !== 'upcoming' && status !== 'past') || !Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > 100) return undefined;
  if (typeof cursor !== 'string' || !/^\d+$/.test(cursor)) return undefined;
  const now = Date.now();
  const matching = state.reminders
    .filter((r) => isUpcoming(r, now) === (status === 'upcoming'))
    .sort((a, b) => (Date.parse(a.due_at) - Date.parse(b.due_at)) * (status === 'upcoming' ? 1 : -1));
  const offset = Number(cursor);
  const end = offset + (limit as number);
  return { reminders: matching.slice(offset, end), next_cursor: end < matching.length ? String(end) : null };
}

/**
 * Cancels a reminder as the server does (REST cancel and the `cancel_reminder` tool): only one that is still
 * scheduled and not yet due. Otherwise says why: no such reminder, or the state it is already in.
 */
export function cancelReminder(state: MockState, id: unknown): { reminder: Reminder } | { refused: 'missing' | 'conflict'; message: string } {
  const reminder = state.reminders.find((r) => r.id === id);
  if (!reminder) return { refused: 'missing', message: 'No such reminder.' };
  if (!isUpcoming(reminder, Date.now())) {
    return { refused: 'conflict', message: `The reminder is already ${reminder.status === 'scheduled' ? 'due' : reminder.status}.` };
  }
  reminder.status = 'cancelled';
  reminder.cancelled_at = new Date().toISOString();
  return { reminder };
}

export function reminderHandlers(on: Router, state: MockState) {
  const find = (id: string | undefined) => state.reminders.find((r) => r.id === id);

  return [
    on<ListRemindersData, ListRemindersResponses & ListRemindersErrors>('get', '/v1/reminders', ({ request, url }) => {
      const auth = bearerKey(state, request, 'reminders:read');
      if ('error' in auth) return auth.error;
      const page = listPage(state, {
        status: url.searchParams.get('status') ?? 'upcoming',
        limit: Number(url.searchParams.get('limit') ?? '20'),
        cursor: url.searchParams.get('cursor') ?? undefined,
      });
      if (!page) return oauthError(400, 'invalid_request', 'Invalid request: status, limit or cursor is out of range.');
      return { status: 200, body: page };
    }),

    on<CreateReminderData, CreateReminderResponses & CreateReminderErrors>('post', '/v1/reminders', async ({ request }) => {
      const auth = bearerKey(state, request, 'reminders:write');
      if ('error' in auth) return auth.error;
      const body = await readJson(request);
      const reminder = isRecord(body) ? newReminder(body) : undefined;
      if (!reminder)
        return oauthError(400, 'invalid_request', 'Invalid request: text, a future due_at with a UTC offset, channel and an E.164 phone_number are required.');
      state.reminders.push(reminder);
      return { status: 201, body: reminder };
    }),

    on<GetReminderData, GetReminderResponses & GetReminderErrors>('get', '/v1/reminders/{reminderId}', ({ request, params }) => {
      const auth = bearerKey(state, request, 'reminders:read');
      if ('error' in auth) return auth.error;
      const reminder = find(params.reminderId);
      if (!reminder) return oauthError(404, 'not_found', 'No such reminder.');
      return { status: 200, body: reminder };
    }),

    on<CancelReminderData, CancelReminderResponses & CancelReminderErrors>('post', '/v1/reminders/{reminderId}/cancel', ({ request, params }) => {
      const auth = bearerKey(state, request, 'reminders:write');
      if ('error' in auth) return auth.error;
      const outcome = cancelReminder(state, params.reminderId);
      if ('reminder' in outcome) return { status: 200, body: outcome.reminder };
      return outcome.refused === 'missing' ? oauthError(404, 'not_found', outcome.message) : oauthError(409, 'conflict', outcome.message);
    }),
  ];
}

// The opaque `cursor` of GET /v1/reminders and `list_reminders`: the (due_at, id) of the last row of a page
// (keyset pagination, stable under inserts), plus the list it belongs to. base64url JSON; clients must not
// build or read it, and anything that does not decode to exactly this shape is a 400.
import { invalidRequest } from '../errors.ts';

export type ReminderList = 'upcoming' | 'past';

export interface ListPosition {
  list: ReminderList;
  dueAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(position: ListPosition): string {
  const payload = { l: position.list, d: position.dueAt.toISOString(), i: position.id };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, list: ReminderList): ListPosition {
  const bad = () => invalidRequest('The cursor is not one this server issued; start again without it.');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof payload !== 'object' || payload === null) throw bad();
  const { l, d, i } = payload as Record<string, unknown>;
  if (typeof d !== 'string' || typeof i !== 'string' || !UUID.test(i)) throw bad();
  const dueAt = new Date(d);
  if (Number.isNaN(dueAt.getTime()) || dueAt.toISOString() !== d) throw bad();
  if (l !== list) throw invalidRequest(`The cursor belongs to the ${String(l)} list, not ${list}.`);
  return { list, dueAt, id: i.toLowerCase() };
}

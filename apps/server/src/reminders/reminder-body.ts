// The wire shape of a stored reminder (spec schema `Reminder`), the same for REST and MCP.
import type { Reminder } from '@reminderit/sdk';
import type { ReminderRow } from '../store/db/schema.ts';

export function reminderBody(row: ReminderRow): Reminder {
  return {
    id: row.id,
    text: row.text,
    due_at: row.dueAt.toISOString(),
    channel: row.channel,
    phone_number: row.phoneNumber,
    status: row.status,
    created_at: row.createdAt.toISOString(),
    cancelled_at: row.cancelledAt ? row.cancelledAt.toISOString() : null,
  };
}

// POST /v1/reminders — schedule a reminder for the key owner. Needs reminders:write.
import type { CreateReminderData, CreateReminderResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { requireKey } from '../keys/require-scope.ts';
import { reminderBody } from './reminder-body.ts';
import { createReminder } from './reminder-store.ts';

export function createReminderHandler(ctx: AppContext) {
  return operation<CreateReminderData, CreateReminderResponses>(async ({ body, auth }) => {
    const key = requireKey(ctx, auth, 'reminders:write');
    const row = await createReminder(ctx, key.userId, {
      text: body.text,
      dueAt: body.due_at,
      channel: body.channel,
      phoneNumber: body.phone_number,
    });
    return { status: 201, body: reminderBody(row) };
  });
}

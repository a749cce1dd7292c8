// GET /v1/reminders/{reminderId} — one of the key owner's reminders; anyone else's is 404. Needs reminders:read.
import type { GetReminderData, GetReminderResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { requireKey } from '../keys/require-scope.ts';
import { reminderBody } from './reminder-body.ts';
import { getReminder } from './reminder-store.ts';

export function getReminderHandler(ctx: AppContext) {
  return operation<GetReminderData, GetReminderResponses>(async ({ path, auth }) => {
    const key = requireKey(ctx, auth, 'reminders:read');
    const row = await getReminder(ctx, key.userId, path.reminderId);
    return { status: 200, body: reminderBody(row) };
  });
}

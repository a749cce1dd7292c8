// POST /v1/reminders/{reminderId}/cancel — cancel a scheduled reminder that is not yet due (409 otherwise;
// 404 when it is not the key owner's). Needs reminders:write.
import type { CancelReminderData, CancelReminderResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { requireKey } from '../keys/require-scope.ts';
import { reminderBody } from './reminder-body.ts';
import { cancelReminder } from './reminder-store.ts';

export function cancelReminderHandler(ctx: AppContext) {
  return operation<CancelReminderData, CancelReminderResponses>(async ({ path, auth }) => {
    const key = requireKey(ctx, auth, 'reminders:write');
    const row = await cancelReminder(ctx, key.userId, path.reminderId);
    return { status: 200, body: reminderBody(row) };
  });
}

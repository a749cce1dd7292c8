// GET /v1/reminders — one page of the key owner's reminders (`upcoming` or `past`). Needs reminders:read.
import type { ListRemindersData, ListRemindersResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { requireKey } from '../keys/require-scope.ts';
import { reminderBody } from './reminder-body.ts';
import { listReminders } from './reminder-store.ts';

export function listRemindersHandler(ctx: AppContext) {
  return operation<ListRemindersData, ListRemindersResponses>(async ({ query, auth }) => {
    const key = requireKey(ctx, auth, 'reminders:read');
    const page = await listReminders(ctx, key.userId, { list: query?.status ?? 'upcoming', limit: query?.limit, cursor: query?.cursor });
    return {
      status: 200,
      body: { reminders: page.rows.map(reminderBody), next_cursor: page.nextCursor },
    };
  });
}

// `cancel_reminder`: cancel one of the key owner's scheduled reminders before it is due. Needs
// reminders:write. Same rules as POST /v1/reminders/{id}/cancel.
import { z } from 'zod';
import { reminderBody } from '../../reminders/reminder-body.ts';
import { cancelReminder as storeCancel } from '../../reminders/reminder-store.ts';
import { reminderObject } from './reminder-schema.ts';
import { defineTool } from './tool.ts';

export const cancelReminder = defineTool({
  name: 'cancel_reminder',
  title: 'Cancel a reminder',
  description:
    'Cancels a scheduled reminder so the call is never placed. Only reminders that are still scheduled and not yet due can be cancelled. ' +
    'Find the id with list_reminders. Returns the cancelled reminder.',
  scope: 'reminders:write',
  input: z.object({
    reminder_id: z.uuid().describe('The id of the reminder to cancel, from list_reminders or create_reminder.'),
  }),
  output: reminderObject,
  // Cancelling cannot be undone; cancelling again changes nothing more (it reports the conflict).
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  run: async (args, { app, key }) => reminderBody(await storeCancel(app, key.userId, args.reminder_id)),
});

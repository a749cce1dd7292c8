// `create_reminder`: schedule a reminder call for the key owner. Needs reminders:write. Same rules and same
// stored rows as POST /v1/reminders.
import { z } from 'zod';
import { reminderBody } from '../../reminders/reminder-body.ts';
import { createReminder as storeReminder } from '../../reminders/reminder-store.ts';
import { newReminderChannel, newReminderDueAt, newReminderPhone, newReminderText, reminderObject } from './reminder-schema.ts';
import { defineTool } from './tool.ts';

export const createReminder = defineTool({
  name: 'create_reminder',
  title: 'Create a reminder',
  description:
    'Schedules a reminder: at due_at ReminderIt phones the number and reads the text (or sends it on WhatsApp). ' +
    'due_at must be in the future and carry a UTC offset. Returns the scheduled reminder.',
  scope: 'reminders:write',
  input: z.object({ text: newReminderText, due_at: newReminderDueAt, channel: newReminderChannel, phone_number: newReminderPhone }),
  output: reminderObject,
  // Adds a reminder and nothing else; it will reach a real phone, outside this system.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  run: async (args, { app, key }) => {
    const row = await storeReminder(app, key.userId, {
      text: args.text,
      dueAt: args.due_at,
      channel: args.channel,
      phoneNumber: args.phone_number,
    });
    return reminderBody(row);
  },
});

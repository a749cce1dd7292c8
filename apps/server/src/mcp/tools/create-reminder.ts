// `create_reminder`: schedule a reminder call for the key owner. Needs reminders:write. Same rules and same
// stored rows as POST /v1/reminders.
import { createReminder as storeReminder } from '../../reminders/reminder-store.ts';
import { reminderBody } from '../../reminders/reminder-body.ts';
import { newReminderChannel, newReminderDueAt, newReminderPhone, newReminderText, reminderShape } from './reminder-schema.ts';
import { guarded, structuredResult, type McpTool } from './tool.ts';

const NAME = 'create_reminder';

export const createReminder: McpTool = {
  name: NAME,
  scope: 'reminders:write',
  register: (server, tool) => {
    server.registerTool(
      NAME,
      {
        title: 'Create a reminder',
        description:
          'Schedules a reminder: at due_at ReminderIt phones the number and reads the text (or sends it on WhatsApp). ' +
          'due_at must be in the future and carry a UTC offset. Returns the scheduled reminder.',
        inputSchema: {
          text: newReminderText,
          due_at: newReminderDueAt,
          channel: newReminderChannel,
          phone_number: newReminderPhone,
        },
        outputSchema: reminderShape,
        // Adds a reminder and nothing else; it will reach a real phone, outside this system.
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      },
      guarded(tool, NAME, async (args) => {
        const row = await storeReminder(tool.app, tool.key.userId, {
          text: args.text,
          dueAt: args.due_at,
          channel: args.channel,
          phoneNumber: args.phone_number,
        });
        return structuredResult(reminderBody(row));
      }),
    );
  },
};

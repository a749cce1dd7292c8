// The reminders REST API (spec tag `reminders`), authenticated by a bearer API key.
import type { AppContext } from '../context.ts';
import { cancelReminderHandler } from './cancel-reminder.ts';
import { createReminderHandler } from './create-reminder.ts';
import { getReminderHandler } from './get-reminder.ts';
import { listRemindersHandler } from './list-reminders.ts';

export function reminderHandlers(ctx: AppContext) {
  return {
    listReminders: listRemindersHandler(ctx),
    createReminder: createReminderHandler(ctx),
    getReminder: getReminderHandler(ctx),
    cancelReminder: cancelReminderHandler(ctx),
  };
}

// The zod shapes MCP tools share: a reminder as every tool returns it (the REST API's `Reminder`, field for
// field, so both surfaces describe the same objects), and the rules of a valid new reminder.
import { z } from 'zod';
import { E164_PHONE, REMINDER_CHANNELS, REMINDER_TEXT_MAX } from '../../reminders/reminder-rules.ts';
import { reminderStatuses } from '../../store/db/schema.ts';

export const reminderShape = {
  id: z.string().describe('The reminder id; pass it to cancel_reminder.'),
  text: z.string().describe('What the call will say.'),
  due_at: z.string().describe('When the call is placed (ISO 8601, UTC).'),
  channel: z.enum(REMINDER_CHANNELS).describe('phone: a call (WhatsApp message if missed); whatsapp: a WhatsApp message.'),
  phone_number: z.string().describe('E.164 number that is called or messaged.'),
  status: z.enum(reminderStatuses).describe('scheduled, cancelled, sent or failed.'),
  created_at: z.string().describe('When the reminder was created (ISO 8601, UTC).'),
  cancelled_at: z.string().nullable().describe('When it was cancelled, or null.'),
};

export const reminderObject = z.object(reminderShape);

export const newReminderText = z
  .string()
  .min(1)
  .max(REMINDER_TEXT_MAX)
  .describe('What the reminder call should say, in the user\'s words, e.g. "Call the dentist to move Thursday\'s appointment".');

export const newReminderDueAt = z.iso
  .datetime({ offset: true })
  .describe(
    "When to place the call: ISO 8601 date-time WITH the user's UTC offset, e.g. 2026-01-05T09:30:00+01:00. Must be in the future. Ask the user for their time zone if unsure.",
  );

export const newReminderChannel = z
  .enum(REMINDER_CHANNELS)
  .default('phone')
  .describe('phone (default): a phone call, with a WhatsApp message if missed; whatsapp: a WhatsApp message only.');

export const newReminderPhone = z
  .string()
  .regex(E164_PHONE, 'must be an E.164 phone number such as +33612345678')
  .describe('The number to call, in E.164 form with country code, e.g. +33612345678.');

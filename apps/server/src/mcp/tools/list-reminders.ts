// `list_reminders`: one page of the key owner's reminders, upcoming or past. Needs reminders:read. Same
// pages and cursors as GET /v1/reminders.
import { z } from 'zod';
import { reminderBody } from '../../reminders/reminder-body.ts';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../../reminders/reminder-rules.ts';
import { listReminders as storeList } from '../../reminders/reminder-store.ts';
import { reminderObject } from './reminder-schema.ts';
import { defineTool } from './tool.ts';

export const listReminders = defineTool({
  name: 'list_reminders',
  title: 'List reminders',
  description:
    'Lists the user\'s reminders. "upcoming" (default): scheduled and not yet due, soonest first. ' +
    '"past": sent, failed, cancelled or overdue, most recent first. When next_cursor is not null, call again with it for more.',
  scope: 'reminders:read',
  input: z.object({
    status: z.enum(['upcoming', 'past']).default('upcoming').describe('Which reminders: upcoming (default) or past.'),
    limit: z.number().int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT).describe('Page size (1-100, default 20).'),
    cursor: z.string().max(200).optional().describe('next_cursor from the previous call, to get the next page.'),
  }),
  output: z.object({
    reminders: z.array(reminderObject).describe('This page of reminders.'),
    next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: async (args, { app, key }) => {
    const page = await storeList(app, key.userId, { list: args.status, limit: args.limit, cursor: args.cursor });
    return { reminders: page.rows.map(reminderBody), next_cursor: page.nextCursor };
  },
});

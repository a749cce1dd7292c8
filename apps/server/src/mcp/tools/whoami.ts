// `whoami`: which ReminderIt account and key this connection acts as. Reads only the authenticated key
// (already loaded by bearer authentication), so it touches no storage and needs no scope.
import { z } from 'zod';
import { defineTool } from './tool.ts';

export const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'Shows which ReminderIt account and API key this connection uses, and the scopes granted to it.',
  scope: null,
  input: z.object({}),
  output: z.object({
    user_id: z.string().describe('The ReminderIt account this connection acts for.'),
    key_label: z.string().describe('The label of the API key in use, as shown on the API Keys page.'),
    scopes: z.array(z.string()).describe('What the key may do, e.g. reminders:read, reminders:write.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: async (_args, { key }) => ({ user_id: key.userId, key_label: key.label, scopes: [...key.scopes] }),
});

// `whoami`: which ReminderIt account and key this connection acts as. Reads only the authenticated key
// (already loaded by bearer authentication), so it touches no storage and needs no scope.
import { z } from 'zod';
import { guarded, structuredResult, type McpTool } from './tool.ts';

const outputSchema = {
  user_id: z.string().describe('The ReminderIt account this connection acts for.'),
  key_label: z.string().describe('The label of the API key in use, as shown on the API Keys page.'),
  scopes: z.array(z.string()).describe('What the key may do, e.g. reminders:read, reminders:write.'),
};

export const whoami: McpTool = {
  name: 'whoami',
  scope: null,
  register: (server, tool) => {
    server.registerTool(
      'whoami',
      {
        title: 'Who am I',
        description: 'Shows which ReminderIt account and API key this connection uses, and the scopes granted to it.',
        outputSchema,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      guarded(tool, 'whoami', async () =>
        structuredResult({ user_id: tool.key.userId, key_label: tool.key.label, scopes: [...tool.key.scopes] }),
      ),
    );
  },
};

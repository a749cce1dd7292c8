// The MCP tools as the real server lists and runs them (apps/server/src/mcp/tools/*): same names, titles,
// descriptions, annotations, argument names, defaults and structured results, so an MCP client built against
// the mocks meets the same tools in production. The contract suite (apps/server/test/contract) compares the two.
import type { Scope } from '@reminderit/sdk';
import { ada, type StoredApiKey } from '../fixtures.ts';
import { isRecord } from '../respond.ts';
import type { MockState } from '../state.ts';
import { cancelReminder, listPage, newReminder } from './reminders.ts';

type JsonSchema = Record<string, unknown>;
const SCHEMA = 'http://json-schema.org/draft-07/schema#';
const inputs = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  $schema: SCHEMA,
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});
const outputs = (properties: Record<string, JsonSchema>): JsonSchema => ({
  $schema: SCHEMA,
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});
const reminderProperties: Record<string, JsonSchema> = {
  id: { type: 'string', description: 'The reminder id.' },
  text: { type: 'string', description: 'What the call says.' },
  due_at: { type: 'string', description: 'When the call is placed (RFC 3339, UTC).' },
  channel: { type: 'string', enum: ['phone', 'whatsapp'], description: 'phone, or whatsapp.' },
  phone_number: { type: 'string', description: 'E.164 number.' },
  status: { type: 'string', enum: ['scheduled', 'sent', 'failed', 'cancelled'], description: 'Where it stands.' },
  created_at: { type: 'string', description: 'When it was created.' },
  cancelled_at: { type: ['string', 'null'], description: 'When it was cancelled, or null.' },
};

export interface MockTool {
  definition: JsonSchema & { name: string };
  /** The scope a `tools/call` needs (checked at HTTP level: 403 `insufficient_scope`), or undefined. */
  scope: Scope | undefined;
  call(state: MockState, key: StoredApiKey, args: Record<string, unknown>): Record<string, unknown>;
}

const structured = (value: Record<string, unknown>) => ({ content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value });
export const toolError = (text: string) => ({ content: [{ type: 'text', text }], isError: true });

export const mockTools: MockTool[] = [
  {
    scope: 'reminders:write',
    definition: {
      name: 'create_reminder',
      title: 'Create a reminder',
      description:
        'Schedules a reminder: at due_at ReminderIt phones the number and reads the text (or sends it on WhatsApp). ' +
        'due_at must be in the future and carry a UTC offset. Returns the scheduled reminder.',
      inputSchema: inputs(
        {
          text: { type: 'string', minLength: 1, maxLength: 500, description: 'What the call should say.' },
          due_at: { type: 'string', format: 'date-time', description: 'When to call: RFC 3339 with a UTC offset, in the future.' },
          channel: { type: 'string', enum: ['phone', 'whatsapp'], default: 'phone', description: 'phone (default) or whatsapp.' },
          phone_number: { type: 'string', pattern: '^\\+[1-9][0-9]{1,14}$', description: 'E.164 number to call.' },
        },
        ['text', 'due_at', 'phone_number'],
      ),
      outputSchema: outputs(reminderProperties),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    call(state, _key, args) {
      const reminder = newReminder({ channel: 'phone', ...args });
      if (!reminder) return toolError('text (1–500 characters), a future due_at with an offset and an E.164 phone_number are required.');
      state.reminders.push(reminder);
      return structured(reminder);
    },
  },
  {
    scope: 'reminders:read',
    definition: {
      name: 'list_reminders',
      title: 'List reminders',
      description:
        'Lists the user\'s reminders. "upcoming" (default): scheduled and not yet due, soonest first. ' +
        '"past": sent, failed, cancelled or overdue, most recent first. When next_cursor is not null, call again with it for more.',
      inputSchema: inputs({
        status: { type: 'string', enum: ['upcoming', 'past'], default: 'upcoming', description: 'Which reminders: upcoming (default) or past.' },
        limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Page size (1-100, default 20).' },
        cursor: { type: 'string', maxLength: 200, description: 'next_cursor from the previous call, to get the next page.' },
      }),
      outputSchema: outputs({
        reminders: { type: 'array', items: { type: 'object', properties: reminderProperties }, description: 'This page of reminders.' },
        next_cursor: { type: ['string', 'null'], description: 'Pass as cursor for the next page; null on the last page.' },
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    call(state, _key, args) {
      const page = listPage(state, { status: args.status ?? 'upcoming', limit: args.limit ?? 20, cursor: args.cursor });
      return page ? structured(page) : toolError('status, limit or cursor is out of range.');
    },
  },
  {
    scope: 'reminders:write',
    definition: {
      name: 'cancel_reminder',
      title: 'Cancel a reminder',
      description:
        'Cancels a scheduled reminder so the call is never placed. Only reminders that are still scheduled and not yet due can be cancelled. ' +
        'Find the id with list_reminders. Returns the cancelled reminder.',
      inputSchema: inputs(
        { reminder_id: { type: 'string', format: 'uuid', description: 'The id of the reminder to cancel, from list_reminders or create_reminder.' } },
        ['reminder_id'],
      ),
      outputSchema: outputs(reminderProperties),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    call(state, _key, args) {
      const outcome = cancelReminder(state, args.reminder_id);
      return 'reminder' in outcome ? structured(outcome.reminder) : toolError(outcome.message);
    },
  },
  {
    scope: undefined,
    definition: {
      name: 'whoami',
      title: 'Who am I',
      description: 'Shows which ReminderIt account and API key this connection uses, and the scopes granted to it.',
      inputSchema: inputs({}),
      outputSchema: outputs({
        user_id: { type: 'string', description: 'The ReminderIt account this connection acts for.' },
        key_label: { type: 'string', description: 'The label of the API key in use, as shown on the API Keys page.' },
        scopes: { type: 'array', items: { type: 'string' }, description: 'What the key may do, e.g. reminders:read, reminders:write.' },
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    // The mocks hold one user's keys: the signed-in account, or the fixtures' Ada.
    call: (state, key) => structured({ user_id: state.session?.user.id ?? ada.id, key_label: key.label, scopes: [...key.scopes] }),
  },
];

export const findTool = (name: unknown) => mockTools.find((t) => t.definition.name === name);
export const toolArguments = (params: unknown) => (isRecord(params) && isRecord(params.arguments) ? params.arguments : {});

// The reminder tools on /mcp, driven by the official MCP client with a bearer key: schemas and annotations,
// create → list → cancel with structured content, the same reminders as the REST API for the same key,
// per-user isolation, tool-level errors, and HTTP 403 insufficient_scope for a tool the key may not call.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Reminder, ReminderPage } from '@reminderit/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signUpUser } from './support/flow.ts';
import { createManualKey } from './support/manual-keys.ts';
import { useTestApp } from './support/test-app.ts';

const HOUR = 3_600_000;
const ACCEPT = 'application/json, text/event-stream';

const t = useTestApp();
let baseUrl: string;
let alice: SignedIn;
let aliceKey: string;

beforeAll(async () => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}`;
  alice = await signUpUser(t);
  aliceKey = (await createManualKey(t, alice, ['reminders:read', 'reminders:write'])).secret;
});

async function connect(secret: string): Promise<Client> {
  const client = new Client({ name: 'reminderit-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${secret}` } } }));
  return client;
}

async function withClient<T>(secret: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(secret);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

function dueIn(ms: number): string {
  return new Date(t.clock.now() + ms).toISOString();
}

function restList(secret: string, status: 'upcoming' | 'past' = 'upcoming') {
  return t.app.inject({ method: 'GET', url: `/v1/reminders?status=${status}&limit=100`, headers: { authorization: `Bearer ${secret}` } });
}

function postMcp(secret: string, body: unknown) {
  return fetch(`${baseUrl}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify(body),
  });
}

const callCreate = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'create_reminder', arguments: { text: 'Stand up', due_at: dueIn(HOUR), phone_number: '+33612345678' } },
});

describe('reminder tools (official MCP client, bearer key)', () => {
  it('lists create_reminder, list_reminders and cancel_reminder with input/output schemas and annotations', async () => {
    const { tools } = await withClient(aliceKey, (client) => client.listTools());
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect([...byName.keys()]).toEqual(['create_reminder', 'list_reminders', 'cancel_reminder', 'whoami']);

    const create = byName.get('create_reminder')!;
    expect(create.inputSchema.required).toEqual(expect.arrayContaining(['text', 'due_at', 'phone_number']));
    expect(create.outputSchema?.properties).toHaveProperty('status');
    expect(create.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });

    const list = byName.get('list_reminders')!;
    expect(list.inputSchema.properties).toHaveProperty('cursor');
    expect(list.outputSchema?.properties).toHaveProperty('next_cursor');
    expect(list.annotations?.readOnlyHint).toBe(true);

    const cancel = byName.get('cancel_reminder')!;
    expect(cancel.inputSchema.required).toEqual(['reminder_id']);
    expect(cancel.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it('creates, lists and cancels a reminder with structured content, and REST sees the same reminders', async () => {
    const user = await signUpUser(t);
    const key = (await createManualKey(t, user, ['reminders:read', 'reminders:write'])).secret;
    await withClient(key, async (client) => {
      const createdResult = await client.callTool({
        name: 'create_reminder',
        arguments: { text: 'Call mum', due_at: dueIn(2 * HOUR).replace('Z', '+00:00'), channel: 'whatsapp', phone_number: '+447700900123' },
      });
      expect(createdResult.isError).toBeFalsy();
      const created = createdResult.structuredContent as Reminder;
      expect(created).toMatchObject({ text: 'Call mum', channel: 'whatsapp', phone_number: '+447700900123', status: 'scheduled' });
      // Clients that read only `content` get the same object as JSON text.
      expect(JSON.parse((createdResult.content as [{ text: string }])[0].text)).toEqual(created);

      const listed = await client.callTool({ name: 'list_reminders', arguments: {} });
      expect(listed.structuredContent).toEqual({ reminders: [created], next_cursor: null });

      // REST with the same key: the same reminder, field for field.
      const rest = await restList(key);
      expect(rest.statusCode).toBe(200);
      expect((rest.json() as ReminderPage).reminders).toEqual([created]);

      const cancelled = await client.callTool({ name: 'cancel_reminder', arguments: { reminder_id: created.id } });
      expect(cancelled.isError).toBeFalsy();
      expect(cancelled.structuredContent).toMatchObject({ id: created.id, status: 'cancelled' });

      expect((await client.callTool({ name: 'list_reminders', arguments: {} })).structuredContent).toEqual({ reminders: [], next_cursor: null });
      const past = await client.callTool({ name: 'list_reminders', arguments: { status: 'past' } });
      expect(past.structuredContent).toEqual({ reminders: [cancelled.structuredContent], next_cursor: null });
      expect((await restList(key, 'past')).json()).toEqual(past.structuredContent);
    });
  });

  it('shows a reminder created over REST to list_reminders, and pages with the same cursors', async () => {
    const user = await signUpUser(t);
    const key = (await createManualKey(t, user, ['reminders:read', 'reminders:write'])).secret;
    for (const hours of [1, 2, 3]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/reminders',
        headers: { authorization: `Bearer ${key}` },
        payload: { text: `Reminder ${hours}`, due_at: dueIn(hours * HOUR), channel: 'phone', phone_number: '+33612345678' },
      });
      expect(res.statusCode).toBe(201);
    }
    await withClient(key, async (client) => {
      const first = (await client.callTool({ name: 'list_reminders', arguments: { limit: 2 } })).structuredContent as ReminderPage;
      expect(first.reminders.map((r) => r.text)).toEqual(['Reminder 1', 'Reminder 2']);
      const second = (await client.callTool({ name: 'list_reminders', arguments: { limit: 2, cursor: first.next_cursor } })).structuredContent as ReminderPage;
      expect(second).toEqual({ reminders: [expect.objectContaining({ text: 'Reminder 3' })], next_cursor: null });
      // A REST cursor works for the tool and vice versa: one pagination.
      const restSecond = await t.app.inject({
        method: 'GET',
        url: `/v1/reminders?limit=2&cursor=${first.next_cursor}`,
        headers: { authorization: `Bearer ${key}` },
      });
      expect(restSecond.json()).toEqual(second);
    });
  });

  it("never shows another user's reminders, and cannot cancel them", async () => {
    const reminder = (await withClient(aliceKey, (client) => client.callTool(callCreate(1).params))).structuredContent as Reminder;
    const bob = await signUpUser(t);
    const bobKey = (await createManualKey(t, bob, ['reminders:read', 'reminders:write'])).secret;
    await withClient(bobKey, async (client) => {
      for (const status of ['upcoming', 'past']) {
        const page = (await client.callTool({ name: 'list_reminders', arguments: { status, limit: 100 } })).structuredContent as ReminderPage;
        expect(page.reminders.map((r) => r.id)).not.toContain(reminder.id);
      }
      const cancel = await client.callTool({ name: 'cancel_reminder', arguments: { reminder_id: reminder.id } });
      expect(cancel.isError).toBe(true);
      expect(cancel.structuredContent).toBeUndefined();
    });
    expect((await restList(bobKey)).json()).toEqual({ reminders: [], next_cursor: null });
    const still = await t.app.inject({ method: 'GET', url: `/v1/reminders/${reminder.id}`, headers: { authorization: `Bearer ${aliceKey}` } });
    expect(still.json().status).toBe('scheduled');
  });

  it.each([
    ['a due time in the past', { due_at: new Date(Date.now() - 10 * HOUR).toISOString() }],
    ['a due time without an offset', { due_at: '2099-01-05T09:30:00' }],
    ['a phone number not in E.164 form', { phone_number: '06 12 34 56 78' }],
    ['an unknown channel', { channel: 'sms' }],
    ['text longer than 500 characters', { text: 'x'.repeat(501) }],
  ])('answers create_reminder with %s with an isError result and stores nothing', async (_name, overrides) => {
    const user = await signUpUser(t);
    const key = (await createManualKey(t, user, ['reminders:read', 'reminders:write'])).secret;
    await withClient(key, async (client) => {
      const result = await client.callTool({
        name: 'create_reminder',
        arguments: { text: 'Stand up', due_at: dueIn(HOUR), phone_number: '+33612345678', ...overrides },
      });
      expect(result.isError).toBe(true);
      expect((result.content as [{ text: string }])[0].text.length).toBeGreaterThan(0);
    });
    expect((await restList(key)).json()).toEqual({ reminders: [], next_cursor: null });
  });

  it('answers cancel_reminder on an already cancelled reminder with an isError result', async () => {
    await withClient(aliceKey, async (client) => {
      const created = (await client.callTool(callCreate(1).params)).structuredContent as Reminder;
      expect((await client.callTool({ name: 'cancel_reminder', arguments: { reminder_id: created.id } })).isError).toBeFalsy();
      expect((await client.callTool({ name: 'cancel_reminder', arguments: { reminder_id: created.id } })).isError).toBe(true);
    });
  });

  it('answers list_reminders with a malformed cursor with an isError result', async () => {
    const result = await withClient(aliceKey, (client) => client.callTool({ name: 'list_reminders', arguments: { cursor: 'bm9wZQ' } }));
    expect(result.isError).toBe(true);
  });
});

describe('scopes on /mcp (RFC 6750 §3.1 step-up challenge)', () => {
  let readOnly: string;
  beforeAll(async () => {
    readOnly = (await createManualKey(t, alice, ['reminders:read'], 'Read only')).secret;
  });

  const expectScopeChallenge = async (res: Response) => {
    expect(res.status).toBe(403);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain(`resource_metadata="${t.config.publicUrl}/.well-known/oauth-protected-resource/mcp"`);
    expect(/scope="([^"]*)"/.exec(challenge)?.[1]?.split(' ')).toContain('reminders:write');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(((await res.json()) as { error: string }).error).toBe('insufficient_scope');
  };

  it('lists every tool and runs list_reminders for a reminders:read key', async () => {
    await withClient(readOnly, async (client) => {
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('create_reminder');
      expect((await client.callTool({ name: 'list_reminders', arguments: {} })).isError).toBeFalsy();
    });
  });

  it('answers create_reminder from a reminders:read key with HTTP 403 and the insufficient_scope challenge', async () => {
    await withClient(readOnly, async (client) => {
      const call = client.callTool({ name: 'create_reminder', arguments: callCreate(1).params.arguments });
      await expect(call).rejects.toBeInstanceOf(StreamableHTTPError);
      await expect(call).rejects.toMatchObject({ code: 403 });
    });
    await expectScopeChallenge(await postMcp(readOnly, callCreate(1)));
  });

  it('answers cancel_reminder from a reminders:read key with HTTP 403, before looking the reminder up', async () => {
    await expectScopeChallenge(
      await postMcp(readOnly, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'cancel_reminder', arguments: { reminder_id: 'x' } } }),
    );
  });

  it('answers a batch holding one call the key may not make with HTTP 403 for the whole batch, and runs none of it', async () => {
    const before = (await restList(aliceKey)).json() as ReminderPage;
    const batch = [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_reminders', arguments: {} } }, callCreate(2)];
    const res = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2025-03-26' },
      body: JSON.stringify(batch),
    });
    await expectScopeChallenge(res);
    expect((await restList(aliceKey)).json()).toEqual(before);
  });

  it('lets whoami and unknown tools through to the MCP layer (no scope needed)', async () => {
    const res = await postMcp(readOnly, { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
    expect(res.status).toBe(200);
    const unknown = await postMcp(readOnly, { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'nope', arguments: {} } });
    expect(unknown.status).toBe(200);
    // MCP tools, "Error Handling": an unknown tool is a protocol error (-32602), answered with the request id.
    expect(await unknown.json()).toMatchObject({ jsonrpc: '2.0', id: 5, error: { code: -32602 } });
  });
});

// The reminders REST API (/v1/reminders): create, list (upcoming / past, keyset cursors), get, cancel —
// always scoped to the bearer key's user — with the contract's validation, scopes (RFC 6750 §3.1) and
// audience binding (RFC 8707). Runs on every available storage backend.
import type { Reminder, ReminderPage } from '@reminderit/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import { mintKey } from '../src/keys/key-store.ts';
import { testBackends } from './support/backends.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { type SignedIn, signUpUser } from './support/flow.ts';
import { createManualKey, revokeManualKey } from './support/manual-keys.ts';
import { useTestApp } from './support/test-app.ts';

const HOUR = 3_600_000;
const BOTH = ['reminders:read', 'reminders:write'] as const;

for (const backend of testBackends()) {
  describe.skipIf(!backend.available)(`reminders REST API on ${backend.name}`, () => {
    let alice: SignedIn;
    let aliceKey: string;

    const t = useTestApp(async () => {
      const backends = await backend.open();
      // Time moves only when a test says so, on every backend (Redis keeps real TTLs, unused here).
      const clock = backends.clock instanceof ManualClock ? backends.clock : new ManualClock(Date.now());
      return { db: backends.db, kv: backends.kv, clock, afterClose: () => backends.close() };
    });
    beforeAll(async () => {
      alice = await signUpUser(t);
      aliceKey = (await createManualKey(t, alice, [...BOTH])).secret;
    });

    /** An ISO date-time `ms` from the app's now, written with a +02:00 offset like a user in Paris in summer would. */
    function inFuture(ms: number): string {
      const at = new Date(t.clock.now() + ms + 2 * HOUR);
      return `${at.toISOString().slice(0, 19)}+02:00`;
    }

    function newReminder(overrides: Record<string, unknown> = {}) {
      return { text: 'Call the dentist', due_at: inFuture(HOUR), channel: 'phone', phone_number: '+33612345678', ...overrides };
    }

    const auth = (key: string) => ({ authorization: `Bearer ${key}` });

    function create(key: string, body: Record<string, unknown> = newReminder()) {
      return t.app.inject({ method: 'POST', url: '/v1/reminders', headers: auth(key), payload: body });
    }

    async function created(key = aliceKey, overrides: Record<string, unknown> = {}): Promise<Reminder> {
      const res = await create(key, newReminder(overrides));
      expect(res.statusCode).toBe(201);
      return res.json();
    }

    function list(key: string, query: Record<string, string | number> = {}) {
      const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
      return t.app.inject({ method: 'GET', url: `/v1/reminders${qs ? `?${qs}` : ''}`, headers: auth(key) });
    }

    function get(key: string, id: string) {
      return t.app.inject({ method: 'GET', url: `/v1/reminders/${id}`, headers: auth(key) });
    }

    function cancel(key: string, id: string) {
      return t.app.inject({ method: 'POST', url: `/v1/reminders/${id}/cancel`, headers: auth(key) });
    }

    /** Every page of a list, following next_cursor. */
    async function walk(key: string, status: 'upcoming' | 'past', limit: number): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await list(key, { status, limit, ...(cursor ? { cursor } : {}) });
        expect(res.statusCode).toBe(200);
        const page = res.json() as ReminderPage;
        expect(page.reminders.length).toBeLessThanOrEqual(limit);
        ids.push(...page.reminders.map((r) => r.id));
        cursor = page.next_cursor;
        pages++;
      } while (cursor !== null && pages < 50);
      return { ids, pages };
    }

    /** A user of their own with a read+write key, so list assertions see only that user's reminders. */
    async function freshUser(): Promise<{ user: SignedIn; key: string }> {
      const user = await signUpUser(t);
      return { user, key: (await createManualKey(t, user, [...BOTH])).secret };
    }

    describe('create and get', () => {
      it('creates a scheduled reminder (201, no-store) and gets the same one back by id', async () => {
        const dueAt = inFuture(3 * HOUR);
        const res = await create(aliceKey, newReminder({ due_at: dueAt, channel: 'whatsapp', text: 'Water the plants' }));
        expect(res.statusCode).toBe(201);
        expect(res.headers['cache-control']).toBe('no-store');
        const reminder = res.json() as Reminder;
        expect(reminder).toEqual({
          id: expect.any(String),
          text: 'Water the plants',
          due_at: new Date(dueAt).toISOString(),
          channel: 'whatsapp',
          phone_number: '+33612345678',
          status: 'scheduled',
          created_at: new Date(t.clock.now()).toISOString(),
          cancelled_at: null,
        });
        const fetched = await get(aliceKey, reminder.id);
        expect(fetched.statusCode).toBe(200);
        expect(fetched.json()).toEqual(reminder);
      });

      it('answers 404 not_found for an unknown reminder id', async () => {
        expectOAuthError(await get(aliceKey, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      });

      it('answers 400 invalid_request for a reminder id that is not a UUID', async () => {
        expectOAuthError(await get(aliceKey, 'not-a-uuid'), 400, 'invalid_request');
      });
    });

    describe('validation', () => {
      it.each([
        ['a phone number not in E.164 form', { phone_number: '0612345678' }],
        ['a phone number with a leading zero country code', { phone_number: '+0612345678' }],
        ['a due time without a UTC offset', { due_at: '2099-01-05T09:30:00' }],
        ['a due time that is not a date', { due_at: 'tomorrow at nine' }],
        ['an unknown channel', { channel: 'sms' }],
        ['text longer than 500 characters', { text: 'x'.repeat(501) }],
        ['empty text', { text: '' }],
        ['blank text', { text: '   ' }],
        ['an unknown field', { priority: 'high' }],
      ])('rejects %s with 400 invalid_request', async (_name, overrides) => {
        expectOAuthError(await create(aliceKey, newReminder(overrides)), 400, 'invalid_request');
      });

      it('rejects a due time in the past or right now with 400 invalid_request', async () => {
        expectOAuthError(await create(aliceKey, newReminder({ due_at: inFuture(-60_000) })), 400, 'invalid_request');
        expectOAuthError(await create(aliceKey, newReminder({ due_at: new Date(t.clock.now()).toISOString() })), 400, 'invalid_request');
      });

      it('rejects a body missing a required field with 400 invalid_request', async () => {
        const { phone_number: _omitted, ...body } = newReminder();
        expectOAuthError(await create(aliceKey, body), 400, 'invalid_request');
      });

      it('accepts text of exactly 500 characters and a Z offset', async () => {
        const res = await create(aliceKey, newReminder({ text: 'é'.repeat(500), due_at: new Date(t.clock.now() + HOUR).toISOString() }));
        expect(res.statusCode).toBe(201);
      });

      it('stores nothing for a rejected reminder', async () => {
        const { key } = await freshUser();
        await create(key, newReminder({ phone_number: 'nope' }));
        await create(key, newReminder({ due_at: inFuture(-HOUR) }));
        expect((await list(key)).json()).toEqual({ reminders: [], next_cursor: null });
        expect((await list(key, { status: 'past' })).json()).toEqual({ reminders: [], next_cursor: null });
      });
    });

    describe('list', () => {
      it('lists upcoming reminders soonest first, and past ones (overdue or cancelled) most recent first', async () => {
        const { key } = await freshUser();
        const later = await created(key, { due_at: inFuture(5 * HOUR) });
        const soon = await created(key, { due_at: inFuture(1 * HOUR) });
        const overdue = await created(key, { due_at: inFuture(2 * HOUR) });
        const cancelled = await created(key, { due_at: inFuture(10 * HOUR) });
        expect((await cancel(key, cancelled.id)).statusCode).toBe(200);
        t.clock.advance(3 * HOUR); // `soon` and `overdue` are now due

        const upcoming = (await list(key)).json() as ReminderPage;
        expect(upcoming.reminders.map((r) => r.id)).toEqual([later.id]);
        expect(upcoming.next_cursor).toBeNull();

        const past = (await list(key, { status: 'past' })).json() as ReminderPage;
        expect(past.reminders.map((r) => r.id)).toEqual([cancelled.id, overdue.id, soon.id]);
        expect(past.reminders[0]!.status).toBe('cancelled');
        expect(past.next_cursor).toBeNull();
      });

      it('walks every page with the cursor, in order, without duplicates or gaps', async () => {
        const { key } = await freshUser();
        const made: Reminder[] = [];
        // Seven reminders, some sharing a due time, so the cursor must break ties by id.
        for (const hours of [4, 1, 3, 3, 2, 3, 5]) made.push(await created(key, { due_at: inFuture(hours * HOUR) }));
        const key2 = (r: Reminder) => `${r.due_at} ${r.id}`; // both sort as Postgres sorts (due_at, id)
        const expected = [...made].sort((a, b) => (key2(a) < key2(b) ? -1 : 1)).map((r) => r.id);

        const upcoming = await walk(key, 'upcoming', 3);
        expect(upcoming.pages).toBe(3);
        expect(upcoming.ids).toEqual(expected);

        t.clock.advance(6 * HOUR);
        const past = await walk(key, 'past', 2);
        expect(past.pages).toBe(4);
        expect(past.ids).toEqual([...expected].reverse());
        expect(new Set(past.ids).size).toBe(7);
      });

      it('ends with next_cursor null when the last page is exactly full', async () => {
        const { key } = await freshUser();
        for (const hours of [1, 2]) await created(key, { due_at: inFuture(hours * HOUR) });
        const first = (await list(key, { limit: 2 })).json() as ReminderPage;
        expect(first.reminders).toHaveLength(2);
        expect(first.next_cursor).toBeNull();
      });

      it('keeps paging stable when a reminder is created between pages', async () => {
        const { key } = await freshUser();
        for (const hours of [1, 2, 3, 4]) await created(key, { due_at: inFuture(hours * HOUR) });
        const first = (await list(key, { limit: 2 })).json() as ReminderPage;
        await created(key, { due_at: inFuture(30 * 60_000) }); // sorts before the cursor: not on later pages
        const second = (await list(key, { limit: 2, cursor: first.next_cursor! })).json() as ReminderPage;
        const seen = [...first.reminders, ...second.reminders].map((r) => r.id);
        expect(new Set(seen).size).toBe(4);
        expect(second.next_cursor).toBeNull();
      });

      it.each([
        ['garbage', 'bm90LWpzb24'],
        ['JSON of the wrong shape', Buffer.from('{"l":"upcoming","d":"yesterday","i":"x"}').toString('base64url')],
        ['a forged id', Buffer.from('{"l":"upcoming","d":"2026-01-01T00:00:00.000Z","i":"1 OR 1=1"}').toString('base64url')],
      ])('rejects a malformed cursor (%s) with 400 invalid_request', async (_name, cursor) => {
        expectOAuthError(await list(aliceKey, { cursor }), 400, 'invalid_request');
      });

      it('rejects a cursor of the upcoming list used for the past list with 400 invalid_request', async () => {
        const { key } = await freshUser();
        for (const hours of [1, 2]) await created(key, { due_at: inFuture(hours * HOUR) });
        const { next_cursor } = (await list(key, { limit: 1 })).json() as ReminderPage;
        expectOAuthError(await list(key, { status: 'past', cursor: next_cursor! }), 400, 'invalid_request');
      });

      it('rejects an out-of-range limit or unknown status with 400 invalid_request', async () => {
        expectOAuthError(await list(aliceKey, { limit: 0 }), 400, 'invalid_request');
        expectOAuthError(await list(aliceKey, { limit: 101 }), 400, 'invalid_request');
        expectOAuthError(await list(aliceKey, { status: 'all' }), 400, 'invalid_request');
      });
    });

    describe('cancel', () => {
      it('cancels a scheduled reminder (200, status cancelled, cancelled_at now)', async () => {
        const reminder = await created();
        const res = await cancel(aliceKey, reminder.id);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ ...reminder, status: 'cancelled', cancelled_at: new Date(t.clock.now()).toISOString() });
        expect((await get(aliceKey, reminder.id)).json().status).toBe('cancelled');
      });

      it('answers 409 conflict for a reminder that is already cancelled', async () => {
        const reminder = await created();
        expect((await cancel(aliceKey, reminder.id)).statusCode).toBe(200);
        expectOAuthError(await cancel(aliceKey, reminder.id), 409, 'conflict');
      });

      it('answers 409 conflict once the due time has passed, and leaves it scheduled', async () => {
        const reminder = await created(aliceKey, { due_at: inFuture(HOUR) });
        t.clock.advance(HOUR);
        expectOAuthError(await cancel(aliceKey, reminder.id), 409, 'conflict');
        expect((await get(aliceKey, reminder.id)).json().status).toBe('scheduled');
      });

      it('answers 404 not_found for an unknown reminder id', async () => {
        expectOAuthError(await cancel(aliceKey, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      });
    });

    describe("another user's reminders", () => {
      it('are 404 on get and cancel, absent from every list, and left untouched', async () => {
        const reminder = await created();
        const bob = await freshUser();
        expectOAuthError(await get(bob.key, reminder.id), 404, 'not_found');
        expectOAuthError(await cancel(bob.key, reminder.id), 404, 'not_found');
        for (const status of ['upcoming', 'past'] as const) {
          const page = (await list(bob.key, { status, limit: 100 })).json() as ReminderPage;
          expect(page.reminders.map((r) => r.id)).not.toContain(reminder.id);
        }
        expect((await get(aliceKey, reminder.id)).json().status).toBe('scheduled');
      });
    });

    describe('authentication, scopes and audience', () => {
      const challengeOf = (res: { headers: Record<string, unknown> }) => String(res.headers['www-authenticate'] ?? '');
      const resourceMetadata = () => `resource_metadata="${t.config.publicUrl}/.well-known/oauth-protected-resource/mcp"`;

      it('lets a reminders:read key list and get but answers create and cancel with 403 insufficient_scope and the challenge', async () => {
        const reminder = await created();
        const readOnly = (await createManualKey(t, alice, ['reminders:read'], 'Read only')).secret;
        expect((await list(readOnly)).statusCode).toBe(200);
        expect((await get(readOnly, reminder.id)).statusCode).toBe(200);

        for (const res of [await create(readOnly), await cancel(readOnly, reminder.id)]) {
          expectOAuthError(res, 403, 'insufficient_scope');
          const challenge = challengeOf(res);
          expect(challenge).toMatch(/^Bearer /);
          expect(challenge).toContain('error="insufficient_scope"');
          expect(challenge).toContain(resourceMetadata());
          // The scope to ask for: the one missing, alongside the one already granted (see require-scope.ts).
          expect(/scope="([^"]*)"/.exec(challenge)?.[1]?.split(' ')).toEqual(['reminders:read', 'reminders:write']);
        }
        expect((await get(aliceKey, reminder.id)).json().status).toBe('scheduled');
      });

      it('answers list and get with a reminders:write-only key with 403 insufficient_scope naming reminders:read', async () => {
        const writeOnly = (await createManualKey(t, alice, ['reminders:write'], 'Write only')).secret;
        const reminder = await created(writeOnly);
        for (const res of [await list(writeOnly), await get(writeOnly, reminder.id)]) {
          expectOAuthError(res, 403, 'insufficient_scope');
          expect(challengeOf(res)).toContain('reminders:read');
        }
        expect((await cancel(writeOnly, reminder.id)).statusCode).toBe(200);
      });

      it('refuses a key minted for another resource with 401 invalid_token [audience binding]', async () => {
        const { secret } = await mintKey(t, {
          userId: alice.userId,
          clientId: null,
          label: 'elsewhere',
          scopes: [...BOTH],
          resource: 'https://elsewhere.example/mcp',
        });
        for (const res of [await list(secret), await create(secret)]) {
          expectOAuthError(res, 401, 'invalid_token');
          expect(challengeOf(res)).toContain('error="invalid_token"');
          expect(challengeOf(res)).toContain(resourceMetadata());
        }
      });

      it('refuses a revoked key with 401 invalid_token on the next request', async () => {
        const key = await createManualKey(t, alice, [...BOTH], 'Soon revoked');
        expect((await list(key.secret)).statusCode).toBe(200);
        await revokeManualKey(t, alice, key.id);
        const res = await list(key.secret);
        expectOAuthError(res, 401, 'invalid_token');
        expect(challengeOf(res)).toContain('error="invalid_token"');
      });

      it('challenges a request without a token with 401 and resource_metadata', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/v1/reminders' });
        expectOAuthError(res, 401, 'unauthorized');
        expect(challengeOf(res)).toContain(resourceMetadata());
      });

      it('refuses a session cookie in place of a bearer key with 401', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/v1/reminders', headers: { cookie: alice.cookie } });
        expect(res.statusCode).toBe(401);
      });
    });
  });
}

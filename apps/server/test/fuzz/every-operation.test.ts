// Property-based fuzzing of every operation in openapi.yaml (fast-check). For each operation, requests
// derived from its schemas — valid ones and mutated ones (wrong types, missing/extra members, huge, unicode
// and control-character strings, malformed JSON/form text, wrong Content-Type, garbage credentials) — must
// get a response that is never a 5xx, conforms to the spec, has an {error, error_description} body with a
// spec error code when it is an error, and leaks no stack trace nor the bearer secret sent. A second
// property: a run of requests meant to be refused (bad credentials, malformed ids, broken bodies) leaves a
// user's existing keys and reminders as they were.
//
// Deterministic by default (fixed seed). FUZZ_SEED=<n> replays or explores another seed, FUZZ_RUNS=<n>
// sets the runs per operation (default 100); a failure prints the seed and the shrunk request.

import { findOperation, operations } from '@reminderit/openapi/spec-validator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeResponseViolations } from '../support/response-contract.ts';
import { buildTestApp, type TestApp } from '../support/test-app.ts';
import { requestFor, toInject } from './fuzz-requests.ts';
import { type FuzzUser, liveCredentials, setUpFuzzUser, snapshotOf } from './fuzz-user.ts';
import { assertResponseProperties } from './response-properties.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** Integrity runs per operation (invalid requests only, all aimed at one user's data). */
const INTEGRITY_RUNS = Math.max(5, Math.round(RUNS / 4));
/** Per-test timeout grows with the runs (a served asset is megabytes), so FUZZ_RUNS scales without edits. */
const TIMEOUT_MS = 30_000 + RUNS * 200;

/** Operations that fuzzed requests actually reached, as the spec routes them (checked below). */
const reached = new Set<string>();

function recordReached(method: string, url: string): void {
  const path = url.split('?', 1)[0]!;
  let decoded = path;
  try {
    decoded = decodeURI(path);
  } catch {
    // a malformed escape: the raw path is what the router saw
  }
  const op = findOperation(method, decoded);
  if (op) reached.add(op.operationId);
}

describe('fuzzing every operation of openapi.yaml', () => {
  let t: TestApp;
  let user: FuzzUser;

  beforeAll(async () => {
    t = await buildTestApp();
    user = await setUpFuzzUser(t, 'fuzz');
  }, 120_000);
  afterAll(() => t?.close());

  for (const op of operations) {
    it(
      `${op.operationId} (${op.method} ${op.path}) answers any input within the contract`,
      async () => {
        await fc.assert(
          fc.asyncProperty(requestFor(op, user.context), async (req) => {
            const res = await t.app.inject(toInject(req, (v) => liveCredentials(user, v)));
            recordReached(req.method, req.url);
            assertResponseProperties(req, res);
            // A valid log-out ends the fuzzing session: start another for the next runs.
            if (op.operationId === 'logOut' && res.statusCode === 204) await user.relogin();
          }),
          { seed: SEED, numRuns: RUNS, endOnFailure: false },
        );
      },
      TIMEOUT_MS,
    );
  }

  it('reached every operation in the spec with fuzzed requests', () => {
    expect(operations.length).toBeGreaterThan(25);
    expect(operations.map((op) => op.operationId).filter((id) => !reached.has(id))).toEqual([]);
  });

  it(
    'a run of requests meant to be refused changes none of the existing keys and reminders',
    async () => {
      const victim = await setUpFuzzUser(t, 'victim');
      const before = await snapshotOf(t, victim);
      expect(before.keys.length).toBeGreaterThanOrEqual(2);
      expect(before.reminders.length).toBeGreaterThanOrEqual(1);
      const everyOperation = fc.oneof(...operations.map((op) => requestFor(op, victim.context, 'invalid-only')));
      await fc.assert(
        fc.asyncProperty(everyOperation, async (req) => {
          const res = await t.app.inject(toInject(req, (v) => liveCredentials(victim, v)));
          assertResponseProperties(req, res);
        }),
        { seed: SEED, numRuns: INTEGRITY_RUNS * operations.length, endOnFailure: false },
      );
      const after = await snapshotOf(t, victim);
      // Every key and reminder that existed is still there, unchanged. (New ones may appear: a "broken" body
      // can still be one the contract accepts, e.g. a label with an escape character.)
      const existed = <T extends { id: string }>(now: T[], then: T[]) => now.filter((item) => then.some((old) => old.id === item.id));
      expect(existed(after.keys, before.keys)).toEqual(before.keys);
      expect(existed(after.reminders, before.reminders)).toEqual(before.reminders);
      expect(takeResponseViolations()).toEqual([]);
    },
    4 * TIMEOUT_MS,
  );
});

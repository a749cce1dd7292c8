// Password storage per the OWASP Password Storage Cheat Sheet: argon2id with m=19456 KiB (19 MiB), t=2,
// p=1 — the cheat sheet's first recommended configuration — and a fresh 16-byte salt per hash (the PHC
// string `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` carries salt and parameters).
import { availableParallelism } from 'node:os';
import { type Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import { randomToken } from '../crypto.ts';
import { slots } from './argon2-slots.ts';

// `Algorithm` is an ambient const enum, which erasable-syntax TypeScript may not read at runtime: spell out its value.
const ARGON2ID: Algorithm.Argon2id = 2;

/** OWASP Password Storage Cheat Sheet, "Argon2id": m=19456 (19 MiB), t=2, p=1. */
export const PASSWORD_HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Concurrent hashes and verifications: one per core but one (kept for the event loop, which answers every
 * other request), at least one, at most libuv's default 4 threads (where they run). Memory held by argon2 is
 * then at most this × 19 MiB: on a 2-core machine one computation, which keeps a burst of sign-ins inside
 * the server's memory target (bench/memory.ts: peak RSS −19 MiB, sign-ins/s halved while the burst lasts).
 */
const ARGON2_SLOTS = slots(Math.max(1, Math.min(availableParallelism() - 1, 4)));

export function hashPassword(password: string): Promise<string> {
  return ARGON2_SLOTS.run(() => hash(password, PASSWORD_HASH_OPTIONS));
}

/** Whether `password` matches the PHC string `passwordHash`; false (never a throw) for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await ARGON2_SLOTS.run(() => verify(passwordHash, password));
  } catch {
    return false;
  }
}

/**
 * A hash of a random password with the current parameters, computed once at start. Log-in verifies against
 * it when the email is unknown, so an unknown email costs the same argon2 work as a wrong password and the
 * response time does not reveal which emails have accounts (OWASP Authentication Cheat Sheet,
 * "Authentication Responses").
 */
const dummyHash = hashPassword(randomToken(32));
dummyHash.catch(() => {}); // awaited (and its failure surfaced) by burnVerification

/** Spends one verification's worth of time on nothing; always false. */
export async function burnVerification(password: string): Promise<false> {
  await verifyPassword(await dummyHash, password);
  return false;
}

/** OWASP: upgrade the work factor on the next successful log-in when the policy has changed. */
export function needsRehash(passwordHash: string): boolean {
  try {
    const o = parseOptions(passwordHash);
    return (
      o.algorithm !== PASSWORD_HASH_OPTIONS.algorithm ||
      o.memoryCost !== PASSWORD_HASH_OPTIONS.memoryCost ||
      o.timeCost !== PASSWORD_HASH_OPTIONS.timeCost ||
      o.parallelism !== PASSWORD_HASH_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}

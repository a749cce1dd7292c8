// Password storage per the OWASP Password Storage Cheat Sheet
// (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html, "Argon2id"): argon2id
// with m=7168 KiB (7 MiB), t=5, p=1 and a fresh 16-byte salt per hash (the PHC string
// `$argon2id$v=19$m=7168,t=5,p=1$<salt>$<hash>` carries salt and parameters). The cheat sheet lists
// m=47104 t=1, m=19456 t=2, m=12288 t=3, m=9216 t=4 and m=7168 t=5 (all p=1) as configurations that "provide an
// equal level of defense", trading memory for CPU; this server used m=19456 t=2 until each computation's
// 19 MiB (held for its whole run) set the server's peak RSS under a burst of sign-ins (bench/memory.ts). The
// CPU per hash did not grow (BENCHMARKS.md, "Memory"). Hashes made with the old parameters still verify (the
// PHC string names them) and are rehashed on the next successful log-in (`needsRehash`, log-in.ts).
import { availableParallelism } from 'node:os';
import { type Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import { randomToken } from '../crypto.ts';
import { slots } from './argon2-slots.ts';

// `Algorithm` is an ambient const enum, which erasable-syntax TypeScript may not read at runtime: spell out its value.
const ARGON2ID: Algorithm.Argon2id = 2;

/** OWASP Password Storage Cheat Sheet, "Argon2id": m=7168 (7 MiB), t=5, p=1. */
export const PASSWORD_HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 7168, timeCost: 5, parallelism: 1 } as const;

/**
 * Concurrent hashes and verifications: one per core but one (kept for the event loop, which answers every
 * other request), at least one, at most libuv's default 4 threads (where they run). Memory held by argon2 is
 * then at most this × 7 MiB: on a 2-core machine one computation, which keeps a burst of sign-ins inside
 * the server's memory target (bench/memory.ts).
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

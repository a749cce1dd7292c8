// POST /api/auth/login — check email and password, start a session.
import type { LogInData, LogInResponses } from '@reminderit/sdk';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { operation } from '../http/operation.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import type { UserRow } from '../store/db/schema.ts';
import { accountHash, knownDeviceBucket } from './known-devices.ts';
import { assertSameOrigin } from './login-csrf.ts';
import { burnVerification, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import { startSession } from './session-response.ts';
import { findUserByEmail, updatePasswordHash } from './users.ts';

/**
 * OWASP Authentication Cheat Sheet, "Protect Against Automated Attacks": throttle per client IP (one
 * source guessing many accounts) and per account (many sources guessing one). A device that signed in to
 * this account before has a per-account budget of its own (known-devices.ts), so nobody can lock the owner
 * out by spending the shared one. The email is hashed so the KV holds no addresses.
 */
async function throttle(ctx: AppContext, req: FastifyRequest, email: string): Promise<void> {
  await enforceRateLimit(ctx, `login:ip:${req.ip}`, ctx.config.rateLimits.login);
  const bucket = (await knownDeviceBucket(ctx, req, email)) ?? `login:email:${accountHash(email)}`;
  await enforceRateLimit(ctx, bucket, ctx.config.rateLimits.login);
}

/**
 * OWASP Authentication Cheat Sheet, "Authentication and Error Messages" / "Authentication Responses": an
 * unknown email and a wrong password get the same answer after the same argon2 work.
 */
async function checkCredentials(ctx: AppContext, email: string, password: string): Promise<UserRow> {
  const user = await findUserByEmail(ctx, email);
  const ok = user ? await verifyPassword(user.passwordHash, password) : await burnVerification(password);
  if (!user || !ok) throw unauthorized('Wrong email or password.');
  return user;
}

/** OWASP Password Storage Cheat Sheet, "Upgrading the work factor": rehash on log-in when the policy changed. */
async function upgradeHashIfNeeded(ctx: AppContext, user: UserRow, password: string): Promise<void> {
  if (needsRehash(user.passwordHash)) await updatePasswordHash(ctx, user.id, await hashPassword(password));
}

export function logInHandler(ctx: AppContext) {
  return operation<LogInData, LogInResponses>(async ({ body, raw: req }) => {
    assertSameOrigin(ctx, req);
    await throttle(ctx, req, body.email);
    const user = await checkCredentials(ctx, body.email, body.password);
    await upgradeHashIfNeeded(ctx, user, body.password);
    const { body: session, headers } = await startSession(ctx, req, user);
    return { status: 200, body: session, headers };
  });
}

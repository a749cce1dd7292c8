// POST /api/auth/signup — create an account and sign it in.
import type { SignUpData, SignUpResponses } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { operation } from '../http/operation.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { assertSameOrigin } from './login-csrf.ts';
import { hashPassword } from './passwords.ts';
import { startSession } from './session-response.ts';
import { createUser } from './users.ts';

export function signUpHandler(ctx: AppContext) {
  return operation<SignUpData, SignUpResponses>(async ({ body, raw: req }) => {
    assertSameOrigin(ctx, req);
    // Spec: rate limited per client IP (each sign-up costs an argon2 hash; OWASP: throttle account creation).
    await enforceRateLimit(ctx, `signup:ip:${req.ip}`, ctx.config.rateLimits.login);
    const passwordHash = await hashPassword(body.password);
    const user = await createUser(ctx, { email: body.email, passwordHash });
    const { body: session, headers } = await startSession(ctx, req, user);
    return { status: 201, body: session, headers };
  });
}

// Who may see and answer a pending authorization request (issue 11 finding 1; RFC 9700 §4.1.1 / §4.7 on
// binding an authorization request to the user agent). Without this, any signed-in user holding the request
// id (it sits in the /consent and /login?next= URLs) could answer it, and the victim's client would be
// connected to the attacker's account.
//
// - /authorize sets a browser-binding cookie (random, HttpOnly, SameSite=Lax, Path=/; `__Host-` + Secure when
//   PUBLIC_URL is https — RFC 6265bis §4.1.3.2 — and a plain name on http development origins, where
//   browsers refuse Secure and `__Host-` cookies) and stores only its SHA-256 with the request.
// - A request started by a signed-in browser is bound to that user at once; otherwise the first consent call
//   from the same browser after log-in binds it to the user signed in there.
// - From then on only that user's sessions may read or answer it. Every mismatch gets the very answer an
//   unknown id gets (404), so nobody learns that a request exists.
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { SessionAuth } from '../accounts/session-auth.ts';
import type { AppContext } from '../context.ts';
import { cookieOf } from '../cookies.ts';
import { randomToken, safeEqual, sha256Hex } from '../crypto.ts';
import type { PendingRequest } from './pending-requests.ts';

/** randomToken(32) is 43 characters; a value far off that is not ours and is replaced. */
const MAX_BINDING_LENGTH = 128;

export function bindingCookieName(ctx: Pick<AppContext, 'config'>): string {
  return ctx.config.secureCookies ? '__Host-rmt_consent' : 'rmt_consent';
}

/**
 * The browser's binding value: the one it already carries (several flows in one browser each stay valid),
 * or a fresh one. Returns the cookie to set (refreshed to the request lifetime) and the hash to store.
 */
export function bindBrowser(ctx: Pick<AppContext, 'config'>, req: FastifyRequest): { setCookie: string; browserHash: string } {
  const name = bindingCookieName(ctx);
  const current = cookieOf(req, name);
  const value = current && current.length >= 32 && current.length <= MAX_BINDING_LENGTH ? current : randomToken(32);
  const setCookie = fastifyCookie.serialize(name, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
    maxAge: ctx.config.authRequestTtlSeconds,
  });
  return { setCookie, browserHash: sha256Hex(value) };
}

/**
 * Whether `session`, in the browser that sent `req`, may see and answer `pending`: the bound user, or — while
 * no user is bound — the browser that started it. Returns the request as it should be stored from now on
 * (bound to the user), or undefined to refuse.
 */
export function claimPendingRequest(
  ctx: Pick<AppContext, 'config'>,
  req: FastifyRequest,
  session: SessionAuth,
  pending: PendingRequest,
): PendingRequest | undefined {
  if (pending.userId !== undefined) return pending.userId === session.userId ? pending : undefined;
  const value = cookieOf(req, bindingCookieName(ctx));
  if (!value || value.length > MAX_BINDING_LENGTH || !safeEqual(sha256Hex(value), pending.browserHash)) return undefined;
  return { ...pending, userId: session.userId };
}

// Log-in throttling that an attacker cannot turn into a lock-out (issue 11 finding 5). OWASP Authentication
// Cheat Sheet "Account Lockout" and OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a browser
// that signed in to an account successfully gets a device cookie; its attempts at that account count against
// a budget of its own, not against the anonymous per-account budget that guesses from everywhere else share.
// So flooding an account with wrong passwords locks out only the unknown devices, never the owner's own.
//
// The cookie is a random 256-bit token (HttpOnly, SameSite=Lax, Path=/; `__Host-` + Secure over https, a plain
// name on http development origins); the KV holds only its SHA-256, mapped to the SHA-256 of the account's
// email, for KNOWN_DEVICE_TTL_MS. One account per browser: signing in to another account replaces it.
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { cookieOf } from '../cookies.ts';
import { randomToken, safeEqual, sha256Hex } from '../crypto.ts';
import { normalizeEmail } from './users.ts';

const KNOWN_DEVICE_TTL_SECONDS = 90 * 86_400;
const MAX_TOKEN_LENGTH = 128;

const kvKey = (tokenHash: string) => `device:${tokenHash}`;
const cookieName = (ctx: Pick<AppContext, 'config'>) => (ctx.config.secureCookies ? '__Host-rmt_device' : 'rmt_device');

/** The hash identifying an account in the throttle buckets and device records (the KV holds no addresses). */
export const accountHash = (email: string) => sha256Hex(normalizeEmail(email));

function presentedToken(ctx: Pick<AppContext, 'config'>, req: FastifyRequest): string | undefined {
  const token = cookieOf(req, cookieName(ctx));
  return token && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}

/** The throttle bucket of this browser for `email` when it is a known device for that account, else undefined. */
export async function knownDeviceBucket(ctx: Pick<AppContext, 'kv' | 'config'>, req: FastifyRequest, email: string): Promise<string | undefined> {
  const token = presentedToken(ctx, req);
  if (!token) return undefined;
  const tokenHash = sha256Hex(token);
  const account = await ctx.kv.get(kvKey(tokenHash));
  return account !== null && safeEqual(account, accountHash(email)) ? `login:device:${tokenHash}` : undefined;
}

/** After a successful sign-in: a fresh device token for this account (the previous one is forgotten). */
export async function rememberDevice(ctx: Pick<AppContext, 'kv' | 'config'>, req: FastifyRequest, email: string): Promise<string> {
  const previous = presentedToken(ctx, req);
  if (previous) await ctx.kv.del(kvKey(sha256Hex(previous)));
  const token = randomToken(32);
  await ctx.kv.set(kvKey(sha256Hex(token)), accountHash(email), KNOWN_DEVICE_TTL_SECONDS * 1000);
  return fastifyCookie.serialize(cookieName(ctx), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
    maxAge: KNOWN_DEVICE_TTL_SECONDS,
  });
}

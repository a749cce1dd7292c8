// Login CSRF: sign-up and log-in run before there is a session (so before there is a CSRF token). A
// cross-site page could otherwise sign the victim's browser into the attacker's account. OWASP CSRF
// Prevention Cheat Sheet ("Login CSRF", "Verifying Origin with standard headers"): when the browser sends
// `Origin` (RFC 6454 §7; every browser does on a cross-origin POST), it must be our own origin.
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { forbidden } from '../errors.ts';

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined; // includes the opaque origin `null` (sandboxed frames, file: pages)
  }
}

/** Throws 403 forbidden when the request carries an Origin other than PUBLIC_URL's. */
export function assertSameOrigin(ctx: Pick<AppContext, 'config'>, req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin === undefined) return; // non-browser clients; browsers always send it cross-origin
  if (originOf(origin) !== originOf(ctx.config.publicUrl)) {
    throw forbidden('Cross-origin sign-in requests are not allowed.');
  }
}
